#!/usr/bin/env bash
# What `urne serve` and the commands that open the application say when the store
# cannot be opened or loaded, in the language the environment asks for: a database
# written by a newer urne, a file that is no database, a directory that does not
# exist, an election whose stored rules are refused. Each failure is checked whole,
# in French (no-break spaces before the colons, « » around a quoted name) and in
# English, and the French run must hold no English sentence of the failure.
set -u
. "$(dirname "$0")/lib.sh" "$@"

nb=$'\u00a0'

# run_in LANG_VARS... -- ARGS... : urne with only these locale variables; $rc, $tmp/err
run_in() {
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "${vars[@]}" timeout 20 "$urne" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
line() { if grep -qxF -- "$1" "$tmp/err"; then ok; else ko "stderr lacks the line '$1'; it has: $(head -3 "$tmp/err")"; fi; }
want_rc() { if [ "$rc" -eq "$1" ]; then ok; else ko "exit $rc, expected $1: $(head -3 "$tmp/err")"; fi; }

src=$(realpath "$src")
cd "$tmp" || exit 1
"$urne" election import --db good.db "$src/examples/primary-round2.csv" >/dev/null || ko "import failed"
sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$@"; }
known=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' good.db)
cp good.db newer.db && sql newer.db "PRAGMA user_version = 999"
cp good.db rules.db && sql rules.db "UPDATE elections SET preset = 'bogus'"
printf 'not a database at all, but long enough to have a header of sorts.\n%.0s' 1 2 3 4 5 6 7 8 >garbage.db

# serve DB LANG: `urne serve` on DB, which must fail before it listens
serve() { run_in "$2" -- serve --db "$1" --listen 127.0.0.1:9 --quiet; want_rc 1; }

serve newer.db LANGUAGE=fr
line "urne serve${nb}: newer.db${nb}: la base est au schéma version 999, plus récent que ce que connaît cet urne ($known)${nb}: mettez urne à jour"
serve newer.db LANG=en_US.UTF-8
line "urne serve: newer.db: the database is at schema version 999, newer than this urne knows ($known): upgrade urne"

serve garbage.db LANG=fr_FR.UTF-8
line "urne serve${nb}: garbage.db${nb}: impossible d’ouvrir la base${nb}: file is not a database"
serve garbage.db LANGUAGE=en
line "urne serve: garbage.db: cannot open the database: file is not a database"

serve no-such-dir/x.db LANGUAGE=fr
line "urne serve${nb}: no-such-dir/x.db${nb}: impossible d’ouvrir la base${nb}: unable to open database file"
serve no-such-dir/x.db LANGUAGE=en
line "urne serve: no-such-dir/x.db: cannot open the database: unable to open database file"

serve rules.db LANGUAGE=fr
line "urne serve${nb}: rules.db${nb}: élection 1${nb}: jeu de règles «${nb}bogus${nb}» inconnu (attendu${nb}: l’un de presidential, legislative, primary, party, coop, single)"
if grep -q "unknown rules preset\|election 1:" "$tmp/err"; then ko "English in the French failure: $(cat "$tmp/err")"; else ok; fi
serve rules.db LANGUAGE=en
line "urne serve: rules.db: election 1: unknown rules preset 'bogus' (expected one of presidential, legislative, primary, party, coop, single)"

serve "bogus://x" LANGUAGE=fr
line "urne serve${nb}: bogus://x${nb}: stockage «${nb}bogus${nb}» inconnu${nb}: cet urne enregistre dans SQLite (un chemin, ou sqlite:CHEMIN) ou dans PostgreSQL (postgresql://..., ou un service=NOM de libpq)"

# The commands that open the application say the same.
run_in LANGUAGE=fr -- initiative recount --db rules.db --id 1
want_rc 1
line "urne initiative recount${nb}: rules.db${nb}: élection 1${nb}: jeu de règles «${nb}bogus${nb}» inconnu (attendu${nb}: l’un de presidential, legislative, primary, party, coop, single)"
run_in LANGUAGE=en -- initiative recount --db newer.db --id 1
want_rc 1
line "urne initiative recount: newer.db: the database is at schema version 999, newer than this urne knows ($known): upgrade urne"
run_in LANGUAGE=fr -- store copy --from newer.db --to copy.db
want_rc 1
line "urne store copy${nb}: la source${nb}: newer.db${nb}: la base est au schéma version 999, plus récent que ce que connaît cet urne ($known)${nb}: mettez urne à jour"

# The server's own refusals before it starts, in French.
run_in LANGUAGE=fr -- serve --db good.db --listen nowhere --quiet
want_rc 2
line "urne serve${nb}: --listen nowhere${nb}: attendu ADRESSE:PORT avec une adresse IPv4, par exemple 127.0.0.1:8080"

echo "cli.startup_words: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
