#!/usr/bin/env bash
# bench/pg_entry_cost.sh URNE [URNE...] — what one sheet entered costs on PostgreSQL,
# per side, for one or more builds run one after the other (alternate them: A B A B).
#
# Why: on a shared machine the wall time of a run moves with the load by ±20 % or
# more; what an entry costs each process (CPU from /proc), the statements it runs
# (pg_stat_statements) and the context switches do not, or much less. For each
# URNE given, in order: a fresh database on one throwaway cluster (tests/pg/cluster.sh,
# pg_stat_statements loaded, the bench's synchronous_commit = on), two `urne serve`
# on it, ENTRIES sheets (default 10,000) entered through the JSON API by 4 clients
# split between them (bench/enter_sheets.py, as bench/postgres.sh does), then one
# line: the wall time; CPU per entry (utime+stime) of the two servers, of PostgreSQL
# (the postmaster, its live processes and those that exited) and of the clients;
# the servers' and PostgreSQL's context switches per entry; statements per entry;
# the load average. The servers write their access logs to files, buffered, as
# bench/postgres.sh's do (on standard error, a write per request cost the servers
# about a third of their CPU). With STATEMENTS=1, the statements of each run, by calls;
# with BREAKDOWN=1, PostgreSQL's CPU by process; with STATS=0, no pg_stat_statements
# (as bench/postgres.sh runs: the extension's own cost, some tens of µs an entry, goes;
# the statements are not counted, 0).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src=$(cd "$here/.." && pwd)
out=$here/out/pg_entry_cost
rm -rf "$out" && mkdir -p "$out"
port=${PORT:-18190}
pass=bench-pass-1
n=${ENTRIES:-10000}
stats=${STATS:-1}
if [ "$stats" = 1 ]; then PRELOAD=pg_stat_statements bench_pg_start cost; else bench_pg_start cost; fi
url=$BENCH_PG_URL
cluster=$BENCH_PG_CLUSTER
pm=$(head -1 "$cluster/data/postmaster.pid")
tick=$(getconf CLK_TCK)

# cpu PID...: utime+stime (+ children's, which exited) of each, summed, in ticks.
cpu() { for p in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s}'; }
# ctx PID...: voluntary and involuntary context switches, summed.
ctx() { for p in "$@"; do cat /proc/$p/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; done | awk '{s += $1} END {print s}'; }
# The cluster's processes: the postmaster and its children.
pgprocs() { echo "$pm" $(pgrep -P "$pm"); }

# breakdown URL BEFORE: PostgreSQL's CPU per entry by process, named by pg_stat_activity
# (its backend_type, and for a client's backend the start of its last statement: a
# watch's connection last ran LISTEN), those that exited in the postmaster's line.
breakdown() {
  psql -X -qAt -F ' ' "$1" -c "SELECT pid, replace(backend_type, ' ', '_'), coalesce(left(regexp_replace(query, '\s+', '_', 'g'), 24), '')
    FROM pg_stat_activity" >"$out/names"
  while read -r pp t0; do
    t1=$(cpu "$pp"); [ -n "$t1" ] || t1=$t0
    name=$(awk -v p="$pp" '$1 == p {print $2, $3}' "$out/names"); [ "$pp" = "$pm" ] && name="postmaster (+exited)"
    echo "$pp $((t1 - t0)) ${name:-?}"
  done <"$2" | sort -k2,2nr | awk -v n="$n" -v t="$tick" '{printf "  pid %s: %.0f us per entry: %s %s\n", $1, $2 / t / n * 1e6, $3, $4}'
}

k=0
for u in "$@"; do
  k=$((k + 1))
  urne=$(realpath "$u")
  db=cost$k
  dburl=$(bench_pg_db "$db")
  [ "$stats" = 1 ] && psql -X -q "$dburl" -c "CREATE EXTENSION pg_stat_statements"
  bench_entry_election "$out/empty.csv" "$n"
  echo "$pass" | "$urne" admin create --db "$dburl" --user admin >/dev/null
  echo "$pass" | "$urne" admin create --db "$dburl" --user sec --role secretary >/dev/null
  "$urne" election import --db "$dburl" "$out/empty.csv" >/dev/null
  "$urne" serve --db "$dburl" --listen "127.0.0.1:$port" --access-log "$out/access-a$k.log" --quiet \
    --max-connections-per-address 0 2>"$out/a$k.log" &
  server=$!
  "$urne" serve --db "$dburl" --listen "127.0.0.1:$((port + 1))" --access-log "$out/access-b$k.log" --quiet \
    --max-connections-per-address 0 2>"$out/b$k.log" &
  server2=$!
  bench_wait_server "$port"
  bench_wait_server "$((port + 1))"
  admin=$(bench_login "$port" admin "$pass")
  curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"user\":\"sec\",\"election\":1,\"first\":0,\"last\":$((n - 1))}" "http://127.0.0.1:$port/api/assignments" >/dev/null
  sec=$(bench_login "$port" sec "$pass")
  sleep 1
  [ "$stats" = 1 ] && psql -X -qAt "$dburl" -c "SELECT pg_stat_statements_reset()" >/dev/null
  load=$(cut -d' ' -f1 /proc/loadavg)
  [ "${BREAKDOWN:-0}" = 1 ] && for pp in $(pgprocs); do echo "$pp $(cpu "$pp")"; done >"$out/procs0.$k"
  s0=$(cpu "$server" "$server2") p0=$(cpu $(pgprocs)) c0=$(ctx "$server" "$server2") q0=$(ctx $(pgprocs))
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$out/clients$k.time" \
    "$BENCH_PY" "$here/enter_sheets.py" "$port,$((port + 1))" 1 "$n" 4 "$sec" >"$out/entry$k.txt"
  t1=$(date +%s.%N)
  s1=$(cpu "$server" "$server2") p1=$(cpu $(pgprocs)) c1=$(ctx "$server" "$server2") q1=$(ctx $(pgprocs))
  load1=$(cut -d' ' -f1 /proc/loadavg)
  [ "${BREAKDOWN:-0}" = 1 ] && breakdown "$dburl" "$out/procs0.$k" >&2
  stmts=0
  [ "$stats" = 1 ] && stmts=$(psql -X -qAt "$dburl" -c "SELECT sum(calls) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'")
  [ "${STATEMENTS:-0}" = 1 ] && psql -X -qAt "$dburl" -c "SELECT calls, round(total_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 20" | sed 's/^/  /' >&2
  read -r cu cs <"$out/clients$k.time"
  awk -v n="$n" -v t="$tick" -v w="$(bench_calc "$t1 - $t0" %.2f)" -v s="$((s1 - s0))" -v p="$((p1 - p0))" \
    -v c="$(bench_calc "$cu + $cs" %.2f)" -v sc="$((c1 - c0))" -v pc="$((q1 - q0))" -v st="$stmts" \
    -v u="$u" -v l0="$load" -v l1="$load1" 'BEGIN {
      printf "%s: %d sheets in %s s; CPU per entry: servers %.0f us, PostgreSQL %.0f us, clients %.0f us; ", u, n, w, s / t / n * 1e6, p / t / n * 1e6, c / n * 1e6
      printf "context switches per entry: servers %.1f, PostgreSQL %.1f; statements per entry %.2f; load %s -> %s\n", sc / n, pc / n, st / n, l0, l1 }'
  kill -TERM "$server" "$server2" && wait "$server" "$server2" || true
  server= server2=
  "$urne" audit verify --db "$dburl" | sed "s/^/  audit verify: /" >&2
done
