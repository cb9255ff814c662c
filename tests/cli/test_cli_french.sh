#!/usr/bin/env bash
# The command line speaks the language its environment asks for: French with
# LANGUAGE=fr (or LC_ALL, LC_MESSAGES, LANG naming French), English otherwise. Real files
# of /work/shared/data and the broken files of tests/bad and tests/bad-ballots, run in
# both languages: each French line is checked whole where it is one message, and the
# English run must give back exactly what the English tests expect.
set -u
. "$(dirname "$0")/lib.sh" "$@"

nb=$'\u00a0'    # the no-break space French puts before : ; ? ! % and inside « »
nnb=$'\u202f'   # the narrow no-break space between groups of digits

# run_in LANG_VARS... -- ARGS... : run urne with only the given locale variables set,
# whatever the test's own environment holds; exit status in $rc, output in $tmp/out, $tmp/err
run_in() {
  local vars=()
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "${vars[@]}" "$urne" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
want_rc() { if [ "$rc" -eq "$1" ]; then ok; else ko "exit $rc, expected $1: $(head -3 "$tmp/err")"; fi; }
# line out|err TEXT : the last run wrote the line TEXT, whole
line() { if grep -qxF -- "$2" "$tmp/$1"; then ok; else ko "$1 lacks the line '$2'; it has: $(head -3 "$tmp/$1")"; fi; }
# lacks out|err TEXT : the last run did not write TEXT
lacks() { if grep -qF -- "$2" "$tmp/$1"; then ko "$1 has '$2'"; else ok; fi; }

fr=(LANGUAGE=fr)
en=(LANG=en_US.UTF-8)
rhone=$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt

# Usage: French, then English.
run_in "${fr[@]}" --
want_rc 2
line err "Utilisation${nb}: urne COMMANDE [ARGUMENTS...]"
line err "  results    dépouille des procès-verbaux et applique les règles électorales françaises"
line err "Code de sortie${nb}: 0 terminé, 1 fichier rejeté (les messages disent pourquoi), 2 erreur d’utilisation."
lacks err "Usage: urne COMMAND"
run_in "${en[@]}" --
want_rc 2
line err "Usage: urne COMMAND [ARGS...]"
line err "  results    count tally sheets (procès-verbaux) and apply French election rules"
lacks err "Utilisation"
run_in "${fr[@]}" -- results tally --help
want_rc 0
has out "Utilisation${nb}: urne results tally FICHIER [options]"
has out "  --compare FICHIER   compare aux totaux indiqués"
for cmd in "store copy" "forum" "initiative"; do  # every command's usage says « Utilisation »
  run_in "${fr[@]}" -- $cmd
  if grep -q "^Utilisation${nb}: urne " "$tmp/err" "$tmp/out" && ! grep -q "^Usage" "$tmp/err" "$tmp/out"; then ok
  else ko "urne $cmd in French: $(head -1 "$tmp/err") $(head -1 "$tmp/out")"; fi
done
# The commands that open a store say what one may be (PostgreSQL too) and that URNE_DB
# names it without --db; a wrong option (--help included) gives the usage, not a bare error.
for cmd in "backup --help" "audit verify --help" "audit verify --db a b" "admin" "election"; do
  # shellcheck disable=SC2086
  run_in "${en[@]}" -- $cmd
  want_rc 2
  has err "or a PostgreSQL database: a libpq URL"
  has err "service=NAME from pg_service.conf"
  line err "Without --db, the URNE_DB environment variable names the store."
  # shellcheck disable=SC2086
  run_in "${fr[@]}" -- $cmd
  line err "Sans --db, la variable d’environnement URNE_DB désigne le stockage."
done
run_in "${en[@]}" -- serve --help
want_rc 0
has out "(postgresql://USER@HOST/DBNAME) or keyword string"
line out "Without --db, the URNE_DB environment variable names the store."
run_in "${fr[@]}" -- store copy
has err "ou service=NOM de pg_service.conf)${nb}; son mot de passe"
lacks err "URNE_DB"
run_in "${fr[@]}" -- frobnicate
want_rc 2
line err "urne${nb}: commande «${nb}frobnicate${nb}» inconnue"
run_in "${fr[@]}" -- count --method stv --seats 0 "$data/glasgow2007_stv_blt/Anderston-City-2007.blt"
want_rc 2
line err "urne count${nb}: --seats attend un nombre entier >= 1, pas «${nb}0${nb}»"

# A rules setting refused, on the command line and in a file: named and worded in French.
run_in "${fr[@]}" -- results tally x --set tie=coin
want_rc 2
line err "urne results${nb}: --set «${nb}tie=coin${nb}»${nb}: tie (égalité) vaut «${nb}older${nb}» (le plus âgé l’emporte) ou «${nb}report${nb}» (l’égalité est le résultat)"
run_in "${en[@]}" -- results tally x --set tie=coin
line err "urne results: --set 'tie=coin': tie is 'older' (the older candidate wins) or 'report' (the tie is the outcome)"
printf '# set: rounds=3\nbureau,inscrits,votants,blancs,nuls,A\n1,10,5,0,0,5\n' >"$tmp/set.csv"
run_in "${fr[@]}" -- results check "$tmp/set.csv"
want_rc 1
has err "«${nb}rounds=3${nb}»${nb}: rounds (nombre de tours) vaut 1 ou 2"
lacks err "rounds is 1 or 2"

# A store's failure, worded in French (what SQLite says stays a parameter, in its words).
run_in "${fr[@]}" -- backup --db "$tmp/backup.db" /nonexistent-dir/copy.db
want_rc 1
has err "urne backup${nb}: /nonexistent-dir/copy.db${nb}: ouverture impossible${nb}: "
lacks err "cannot open"

# An operator's grant to an account that does not exist: said in French, no status code.
run_in "${fr[@]}" -- admin grant --db "$tmp/grant.db" --user nobody --space org/a --role admin
want_rc 1
line err "urne admin grant${nb}: aucun utilisateur «${nb}nobody${nb}»"

# A real file, checked and tallied at a level it lacks.
run_in "${fr[@]}" -- results check "$rhone"
want_rc 0
line out "$rhone${nb}: 1287 procès-verbaux passent tous les contrôles (11 candidat(s), 1 scrutin(s))"
run_in "${en[@]}" -- results check "$rhone"
want_rc 0
line out "$rhone: 1287 sheets pass every check (11 candidates, 1 contests)"
run_in "${fr[@]}" -- results tally "$rhone" --level canton
want_rc 2
line err "urne results${nb}: $rhone n’a pas de niveau «${nb}canton${nb}»${nb}; ses niveaux sont${nb}: national, departement, circonscription, commune, bureau"

# The per-département summary given where the circonscriptions are expected.
dept=$data/fr_leg2017_t1_circonscriptions/Legislatives_2017_Resultats_T1_Departement.csv
run_in "${fr[@]}" -- results tally "$dept" --format legislative
want_rc 1
has err "$dept:1${nb}: erreur${nb}: ce fichier est un récapitulatif par département"
line err "$dept${nb}: rejeté${nb}: 1 erreur${nb}; rien n’a été dépouillé"

# A count on real ballots, then a sortition check on the paper's instance, in French.
run_in "${fr[@]}" -- count --method stv --seats 4 --rule meek "$data/glasgow2007_stv_blt/Anderston-City-2007.blt"
want_rc 0
s=$data/sortition/example_small_20
run_in "${fr[@]}" -- sortition check --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20
want_rc 0
line out "$s/respondents.csv${nb}: 200 volontaires en 3 types${nb}; il existe des panels de 20 personnes respectant tous les quotas"
run_in "${fr[@]}" -- sortition check --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 500
want_rc 1
line err "urne sortition${nb}: un panel de 500 personnes tiré d’un vivier de 200 est impossible"

# Broken files: the engines' messages in French, numbers grouped the French way.
cd "$src/tests/bad" || exit 1
run_in "${fr[@]}" -- results tally ministry-votants-exceed-inscrits.txt
want_rc 1
line err "ministry-votants-exceed-inscrits.txt:3${nb}: erreur${nb}: champ «${nb}votants${nb}»${nb}: bureau 69-002-0001 (Aigueperse)${nb}: les votants (177) sont plus nombreux que les inscrits (170) [votants-le-inscrits]"
line err "ministry-votants-exceed-inscrits.txt${nb}: rejeté${nb}: 1 erreur${nb}; rien n’a été dépouillé"
lacks err "exceed registered voters"
run_in "${fr[@]}" -- results tally ministry-count-bound.txt
want_rc 1
line err "ministry-count-bound.txt:3${nb}: erreur${nb}: champ «${nb}Nicolas DUPONT-AIGNAN${nb}»${nb}: bureau 69-002-0001 (Aigueperse)${nb}: Nicolas DUPONT-AIGNAN a 10${nnb}000${nnb}000${nnb}001 voix${nb}; aucun chiffre d’un procès-verbal ne peut dépasser 10${nnb}000${nnb}000${nnb}000 [count-bound]"
run_in "${fr[@]}" -- results tally ministry-thousands-misgrouped.txt
want_rc 1
has err "groupe ses chiffres par"
lacks err "groups its digits"
run_in "${fr[@]}" -- results tally /nonexistent.csv
want_rc 1
line err "/nonexistent.csv${nb}: erreur${nb}: ouverture impossible${nb}: fichier ou répertoire inexistant [readable-file]"
# Every broken file: French messages (none left in English), and in English exactly
# its .expect file.
for f in *.txt *.csv; do
  expect="${f%.*}.expect"
  run_in "${fr[@]}" -- results tally "$f"
  want_rc 1
  if grep -q ": rejected: \|: error: \|: warning: " "$tmp/err"; then ko "$f: English left in French: $(head -2 "$tmp/err")"; else ok; fi
  run_in "${en[@]}" -- results tally "$f"
  if [ "$(grep -v ': rejected: ' "$tmp/err")" = "$(cat "$expect")" ]; then ok; else ko "$f: English messages differ from $expect"; fi
done
cd "$src/tests/bad-ballots" || exit 1
run_in "${fr[@]}" -- count --method irv blt-repeated-rank.blt
want_rc 1
line err "blt-repeated-rank.blt:2${nb}: erreur${nb}: champ «${nb}preference${nb}»${nb}: le candidat 1 est classé deux fois sur le même bulletin [repeated-rank]"
run_in "${fr[@]}" -- count --method irv blt-negative-weight.blt
want_rc 1
has err "poids «${nb}"
lacks err "a ballot's weight"

# A warning, on one of the examples: the partial count.
run_in "${fr[@]}" -- results tally "$src/examples/federation-designation.csv" --json
want_rc 0
line err "$src/examples/federation-designation.csv${nb}: avertissement${nb}: résultats partiels${nb}: 5 sur 6 sections [partial]"

# Which variable decides: LANGUAGE first (its first language urne speaks), then LC_ALL,
# LC_MESSAGES, LANG; English when none names French.
for vars in "LANGUAGE=fr LANG=en_US.UTF-8" "LANGUAGE=de:fr_FR LANG=en_US.UTF-8" "LC_ALL=fr_FR.UTF-8" \
            "LC_MESSAGES=fr_CA.UTF-8 LANG=en_GB.UTF-8" "LANG=fr_FR.UTF-8"; do
  # shellcheck disable=SC2086
  run_in $vars -- results tally /nonexistent.csv
  if grep -qF "ouverture impossible" "$tmp/err"; then ok; else ko "$vars: not French: $(head -1 "$tmp/err")"; fi
done
for vars in "LANGUAGE=en LANG=fr_FR.UTF-8" "LC_ALL=C LANG=fr_FR.UTF-8" "LC_ALL=en_US.UTF-8 LC_MESSAGES=fr_FR.UTF-8" \
            "LANG=de_DE.UTF-8" "LANG=C.UTF-8" ""; do
  # shellcheck disable=SC2086
  run_in $vars -- results tally /nonexistent.csv
  if grep -qxF "/nonexistent.csv: error: cannot open: No such file or directory [readable-file]" "$tmp/err"; then ok
  else ko "'$vars': not English: $(head -1 "$tmp/err")"; fi
done

summary "cli french"
