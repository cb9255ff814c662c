#!/usr/bin/env bash
# bench/postgres.sh path/to/urne — the PostgreSQL store (issue 17) beside SQLite, in one run.
#
# For each store, SQLite (a file) then PostgreSQL (a throwaway cluster from
# tests/pg/cluster.sh, on a Unix socket: the same one the tests use), the same
# steps as bench/server.sh's, with its tools:
#   1. the published results page (the Rhône 2017, 1,287 bureaux, /e/1) under wrk
#      (-t2 -c64, SECONDS_EACH s), anonymous: requests/s; no entries streaming
#      (bench/server.sh measures the page under a stream, on SQLite);
#   2. 70,000 sheets (ENTRIES) entered through the JSON API by 4 clients as fast as
#      they go (bench/enter_sheets.py, into bench_entry_election's election): seconds;
# then `urne audit verify` on each store, and the time `urne store copy` takes to
# copy the SQLite store after its run into PostgreSQL (standard error).
# One BENCH line per figure, PostgreSQL's, with SQLite's of the same run as the peer.
#
# Then two servers on one PostgreSQL database (ports PORT and PORT+1, kept in step by
# LISTEN/NOTIFY): each one's published page under wrk in turn, and the 70,000 sheets
# with the clients split between them. The target: two servers on PostgreSQL at least
# as fast as one on SQLite for entries, and 20,000 requests/s from each for pages.
#
# The same durability on both sides: SQLite runs as urne opens it (WAL,
# synchronous=NORMAL: a commit is written to the operating system before it is
# acknowledged, and flushed to the disk only at checkpoints: it survives the crash of
# any process, not a power cut); the cluster (tests/pg/cluster.sh, fsync off) gets
# synchronous_commit = on in the bench's databases, so that a commit waits for its
# WAL to be written, also without a flush: the same promise. (The tests' cluster
# runs with synchronous_commit off, which acknowledges a commit before its WAL is
# written; the figures before 2026-12-06 were taken so.) Group commit
# (commit_delay, commit_siblings) would matter only with fsync on: left at their
# defaults. wrk, the clients, the server and PostgreSQL share the machine's cores.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(cd "$here/.." && pwd)
out=$here/out/postgres
rm -rf "$out" && mkdir -p "$out"
port=${PORT:-18090}
pass=bench-pass-1
secs=${SECONDS_EACH:-10}
n=${ENTRIES:-70000}
rhone=$here/../../shared/data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
echo "bench: postgres — $(bench_machine), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
bench_pg_start pg
url=$BENCH_PG_URL
psql -X -qAt "$url" -c "SELECT 'bench: the cluster: ' || string_agg(name || '=' || setting, ', ') FROM pg_settings
  WHERE name IN ('fsync', 'full_page_writes', 'commit_delay', 'wal_sync_method')" >&2
pgdb=$(bench_pg_db urne_bench)
bench_entry_election "$out/empty.csv" "$n"

# measure NAME DB: the page's requests/s and the entries' seconds on DB, as "RPS SECS"
# on standard output (run in this shell, so that the trap stops its server).
measure() {
  local name=$1 db=$2
  echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
  echo "$pass" | "$urne" admin create --db "$db" --user sec --role secretary >/dev/null
  "$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — Rhône" "$rhone" >/dev/null
  "$urne" election import --db "$db" "$out/empty.csv" >/dev/null
  "$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log "$out/access-$name.log" --quiet \
    --max-connections-per-address 0 ${THREADS:+--threads $THREADS} 2>"$out/server-$name.log" &
  server=$!
  bench_wait_server "$port"
  local base=http://127.0.0.1:$port admin sec
  admin=$(bench_login "$port" admin "$pass")
  curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{}' \
    "$base/api/elections/1/publish" >/dev/null
  curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"user\":\"sec\",\"election\":2,\"first\":0,\"last\":$((n - 1))}" "$base/api/assignments" >/dev/null
  sec=$(bench_login "$port" sec "$pass")
  curl -fs "$base/e/1" >/dev/null # the first read renders it
  wrk -t2 -c64 -d"${secs}s" --latency "$base/e/1" >"$out/wrk-$name.txt"
  awk '/Non-2xx|Socket errors/ {print "  '"$name"': " $0}' "$out/wrk-$name.txt" >&2
  local rps entry taken
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/wrk-$name.txt")
  entry=$("$BENCH_PY" "$here/enter_sheets.py" "$port" 2 "$n" 4 "$sec")
  taken=$(echo "$entry" | sed 's/.* in \([0-9.]*\) s .*/\1/')
  echo "bench: $name: published page $rps requests/s; $entry" >&2
  kill -TERM "$server" && wait "$server" || true
  server=
  "$urne" audit verify --db "$db" | sed "s/^/bench: $name after the run: /" >&2
  echo "$rps $taken"
}

# measure_two DB: two servers on DB, as "RPS_A RPS_B SECS".
measure_two() {
  local db=$1 p2=$((port + 1))
  echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
  echo "$pass" | "$urne" admin create --db "$db" --user sec --role secretary >/dev/null
  "$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — Rhône" "$rhone" >/dev/null
  "$urne" election import --db "$db" "$out/empty.csv" >/dev/null
  "$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log "$out/access-two-a.log" --quiet \
    --max-connections-per-address 0 ${THREADS:+--threads $THREADS} 2>"$out/server-two-a.log" &
  server=$!
  "$urne" serve --db "$db" --listen "127.0.0.1:$p2" --access-log "$out/access-two-b.log" --quiet \
    --max-connections-per-address 0 ${THREADS:+--threads $THREADS} 2>"$out/server-two-b.log" &
  server2=$!
  bench_wait_server "$port"
  bench_wait_server "$p2"
  local base=http://127.0.0.1:$port admin sec
  admin=$(bench_login "$port" admin "$pass")
  curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{}' \
    "$base/api/elections/1/publish" >/dev/null
  curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"user\":\"sec\",\"election\":2,\"first\":0,\"last\":$((n - 1))}" "$base/api/assignments" >/dev/null
  sec=$(bench_login "$port" sec "$pass")
  sleep 2 # the publication heard by the second server (LISTEN/NOTIFY, well under a second)
  local rps_a rps_b entry taken
  curl -fs "$base/e/1" >/dev/null
  curl -fs "http://127.0.0.1:$p2/e/1" >/dev/null
  wrk -t2 -c64 -d"${secs}s" --latency "$base/e/1" >"$out/wrk-two-a.txt"
  wrk -t2 -c64 -d"${secs}s" --latency "http://127.0.0.1:$p2/e/1" >"$out/wrk-two-b.txt"
  rps_a=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/wrk-two-a.txt")
  rps_b=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/wrk-two-b.txt")
  entry=$("$BENCH_PY" "$here/enter_sheets.py" "$port,$p2" 2 "$n" 4 "$sec")
  taken=$(echo "$entry" | sed 's/.* in \([0-9.]*\) s .*/\1/')
  echo "bench: two servers: published page $rps_a and $rps_b requests/s; $entry" >&2
  kill -TERM "$server" "$server2" && wait "$server" "$server2" || true
  server= server2=
  "$urne" audit verify --db "$db" | sed "s/^/bench: two servers after the run: /" >&2
  echo "$rps_a $rps_b $taken"
}

measure sqlite "$out/bench.db" >"$out/sqlite.figures"
measure postgresql "$pgdb" >"$out/postgresql.figures"
measure_two "$(bench_pg_db urne_bench_two)" >"$out/two.figures"
# Besides (standard error): the SQLite store, after its run, copied into PostgreSQL.
copydb=$(bench_pg_db urne_copy)
t0=$(date +%s.%N)
"$urne" store copy --from "$out/bench.db" --to "$copydb" >"$out/copy.txt"
echo "bench: urne store copy of the SQLite store after its run ($(awk '/ rows$/ {print $(NF-1)}' "$out/copy.txt") rows) into PostgreSQL: $(bench_calc "$(date +%s.%N) - $t0" %.1f) s" >&2
read -r sq_rps sq_secs <"$out/sqlite.figures"
read -r pg_rps pg_secs <"$out/postgresql.figures"
read -r two_a two_b two_secs <"$out/two.figures"
bench_line postgres "$n sheets through the API, 2 servers on one database" "$two_secs s" \
  "SQLite, 1 server: $sq_secs s; PostgreSQL, 1 server: $pg_secs s" \
  "two servers on PostgreSQL at least as fast as one on SQLite" "$(bench_ok "$two_secs <= $sq_secs")"
bench_line postgres "published page, 1 server" "$pg_rps requests/s" "SQLite: $sq_rps requests/s" \
  "20000 requests/s" "$(bench_ok "$pg_rps >= 20000")"
bench_line postgres "published page, each of 2 servers" "$two_a and $two_b requests/s" "SQLite, 1 server: $sq_rps requests/s" \
  "20000 requests/s from each" "$(bench_ok "$two_a >= 20000 && $two_b >= 20000")"
