#!/bin/sh
# store.postgres: the server test suite against the PostgreSQL store.
#
#   tests/pg/run.sh URNE SOURCE_DIR [SCREENSHOT_DIR]
#
# Starts a throwaway PostgreSQL cluster (tests/pg/cluster.sh), points the server
# tests at it through URNE_TEST_DB_URL (tests/server/lib.py then gives each server
# a fresh database of its own), runs the scripts below, then tests/pg/test_pg.py
# (the audit chain verified and tampered with on PostgreSQL, several writers at
# once). The cluster is stopped and removed whatever happens: a trap on exit and
# on the signals that stop a test.
#
# Every server test script runs here: those that change rows by hand do it through
# lib.py's tampered, on a copy made from the database as a template.
# test_store_copy.py here copies its SQLite store to PostgreSQL and back (in the
# normal suite, SQLite to SQLite).
# With SCREENSHOT_DIR (the normal build; the sanitizer build has no browser), the
# browser's story (tests/browser/story.mjs) runs on PostgreSQL too.
set -u
urne=$1
src=$2
shots=${3:-}
tests="roles integrity api access_log crash notice initiative initiative_crash initiative_codes initiative_batch initiative_letters initiative_mail initiative_user initiative_manage reload initiative_eci origin sign_load match forum prg live deadline cache gzip lang download pv outlier many_candidates
       routes security spaces story audit store_copy zone"
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
for t in $tests; do
    if python3 "$src/tests/server/test_$t.py" "$urne" "$src" >"$log" 2>&1; then
        echo "store.postgres: test_$t.py passed"
    else
        echo "store.postgres: test_$t.py FAILED:"
        cat "$log"
        failed="$failed $t"
    fi
done
if [ -n "$shots" ]; then
    if node "$src/tests/browser/story.mjs" "$urne" "$src" "$shots" >"$log" 2>&1; then
        echo "store.postgres: browser story passed"
    else
        echo "store.postgres: browser story FAILED:"
        cat "$log"
        failed="$failed browser"
    fi
fi
for t in pg outage stall multi multi_payload multi_announce multi_initiative multi_forum multi_start; do
    if python3 "$src/tests/pg/test_$t.py" "$urne" "$src" >"$log" 2>&1; then
        echo "store.postgres: test_$t.py passed"
        grep -E "^propagation" "$log" || true
    else
        echo "store.postgres: test_$t.py FAILED:"
        cat "$log"
        failed="$failed $t"
    fi
done
[ -z "$failed" ] || { echo "store.postgres: failed:$failed"; exit 1; }
echo "store.postgres: all passed"
