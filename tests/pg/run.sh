#!/bin/sh
# store.postgres.*: the server test suite against the PostgreSQL store, in parts.
#
#   tests/pg/run.sh URNE SOURCE_DIR PART [SCREENSHOT_DIR]
#
# Starts a throwaway PostgreSQL cluster (tests/pg/cluster.sh), points the server
# tests at it through URNE_TEST_DB_URL (tests/server/lib.py then gives each server
# a fresh database of its own), runs the part's scripts, and stops the cluster and
# removes it whatever happens: a trap on exit and on the signals that stop a test.
#
# PART is one of:
#   server-a, server-b  the server test scripts (tests/server/test_*.py), in two
#                       halves of about the same time, so that ctest runs them
#                       beside the rest (one part of ~8 minutes was the suite's
#                       long pole, in the sanitizer build most of all);
#   pg                  the scripts of PostgreSQL's own (tests/pg/test_*.py: the
#                       audit chain tampered with and written by several processes,
#                       the database lost and frozen, several servers on one
#                       database), and with SCREENSHOT_DIR (the normal build; the
#                       sanitizer build has no browser) the browser's story
#                       (tests/browser/story.mjs) on PostgreSQL.
# Every server test script is in exactly one half, or the part fails: a script
# added to tests/server and forgotten here would otherwise never run on
# PostgreSQL. Those that change rows by hand do it through lib.py's tampered, on a
# copy made from the database as a template. test_store_copy.py here copies its
# SQLite store to PostgreSQL and back (in the normal suite, SQLite to SQLite).
# Each script's time is printed after its verdict, to keep the halves even.
set -u
urne=$1
src=$2
part=$3
shots=${4:-}
server_a="initiative_mail security match api initiative initiative_batch spaces prg story access_log crash notice
          initiative_codes gzip zone outlier cache initiative_forms"
server_b="initiative_eci sign_load forum pv reload audit store_copy roles integrity origin many_candidates
          initiative_letters initiative_crash live routes download initiative_manage deadline initiative_user lang
          initiative_attack"
pg_own="pg outage stall multi multi_payload multi_announce multi_initiative multi_forum multi_start multi_reload"

# Every tests/server/test_NAME.py in one half exactly.
for f in "$src"/tests/server/test_*.py; do
    t=$(basename "$f" .py); t=${t#test_}
    n=$(printf '%s\n' $server_a $server_b | grep -cx "$t")
    [ "$n" = 1 ] || { echo "store.postgres: tests/server/test_$t.py is in $n halves of tests/pg/run.sh, not 1"; exit 1; }
done
case $part in
    server-a) tests=$server_a; where=server ;;
    server-b) tests=$server_b; where=server ;;
    pg) tests=$pg_own; where=pg ;;
    *) echo "store.postgres: no part '$part' (server-a, server-b or pg)"; exit 2 ;;
esac
dir=$(mktemp -u "${TMPDIR:-/tmp}/urne-pg.XXXXXX")
log=$(mktemp "${TMPDIR:-/tmp}/urne-pg-log.XXXXXX")
cleanup() {
    sh "$src/tests/pg/cluster.sh" stop "$dir"
    rm -f "$log"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

url=$(sh "$src/tests/pg/cluster.sh" start "$dir") || { echo "store.postgres: the cluster did not start"; exit 1; }
export URNE_TEST_DB_URL="$url"
failed=""
run_one() { # label, command...: its verdict and its time, its log when it failed
    label=$1; shift
    t0=$(date +%s)
    if "$@" >"$log" 2>&1; then
        echo "store.postgres: $label passed ($(( $(date +%s) - t0 )) s)"
        grep -E "^propagation" "$log" || true
    else
        echo "store.postgres: $label FAILED ($(( $(date +%s) - t0 )) s):"
        cat "$log"
        failed="$failed $label"
    fi
}
for t in $tests; do
    run_one "test_$t.py" python3 "$src/tests/$where/test_$t.py" "$urne" "$src"
done
if [ "$part" = pg ] && [ -n "$shots" ]; then
    run_one "browser story" node "$src/tests/browser/story.mjs" "$urne" "$src" "$shots"
fi
[ -z "$failed" ] || { echo "store.postgres: failed:$failed"; exit 1; }
echo "store.postgres: $part: all passed"
