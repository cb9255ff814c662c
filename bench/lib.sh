# bench/lib.sh: what every benchmark script shares. Sourced by bench/<area>.sh.
#
# The project's rule: each target prints exactly one line on standard output,
#   BENCH <area> <what>: <figure> (<peer figure, same run>) target <goal>: met|not met
# and everything else a script has to say (checks, per-run figures, details) goes to
# standard error or to a file under bench/out, so that `make bench | grep ^BENCH`
# is the whole verdict.

BENCH_PY=/usr/bin/python3   # Debian's, where python3-pandas is installed
BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_OUT=$BENCH_HERE/out
mkdir -p "$BENCH_OUT"

# bench_line AREA WHAT FIGURE PEER GOAL MET: print the one line of a target. MET is
# 1 (met) or 0 (not met); PEER is the peer's figure of the same run, or why there is
# none.
bench_line() {
  local verdict="not met"
  [ "$6" = 1 ] && verdict="met"
  printf 'BENCH %s %s: %s (%s) target %s: %s\n' "$1" "$2" "$3" "$4" "$5" "$verdict"
}

# bench_ok EXPR: 1 when the awk expression EXPR holds, else 0 ("a < 0.5").
bench_ok() { awk "BEGIN { print (($1) ? 1 : 0) }"; }

# bench_calc EXPR [FORMAT]: the awk expression EXPR, printed with FORMAT (%.3f).
bench_calc() { awk -v f="${2:-%.3f}" "BEGIN { printf f, $1 }"; }

# bench_median RUNS CMD...: the median wall time of CMD in seconds over RUNS runs
# (bench/timeit.py: a nanosecond clock around each process; its output discarded).
bench_median() {
  local runs=$1; shift
  "$BENCH_PY" "$BENCH_HERE/timeit.py" "$runs" cmd -- "$@" 2>>"$BENCH_OUT/timeit.runs" | awk '{print $2}'
}

# bench_cores: the machine, for the lines on standard error.
bench_machine() {
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
}

# bench_entry_election PATH N: write the entry benchmark's election, N empty bureaux
# (50 a commune, 11 candidates), as urne election import reads it. bench/server.sh
# and bench/postgres.sh enter their 70,000 sheets into it.
bench_entry_election() {
  "$BENCH_PY" - "$1" "$2" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("# election: Entry benchmark\n# levels: national, commune, bureau\n")
    f.write("national;commune;bureau;inscrits;votants;blancs;nuls;exprimes;" + ";".join(f"C{j}" for j in range(11)) + "\n")
    for i in range(n):
        f.write(f"FR;{i // 50};{i};1500;;;;;" + ";" * 10 + "\n")
PY
}

# bench_wait_server PORT [SECONDS]: wait (up to SECONDS, default 10) until urne
# serve answers on PORT.
bench_wait_server() {
  for _ in $(seq $((${2:-10} * 10))); do curl -fs "http://127.0.0.1:$1/api/audit/head" >/dev/null && return 0; sleep 0.1; done
  echo "bench: the server on port $1 did not start" >&2
  return 1
}

# bench_login PORT USER PASSWORD: a bearer token for USER.
bench_login() {
  curl -fsS -H 'Content-Type: application/json' -d "{\"user\":\"$2\",\"password\":\"$3\"}" \
    "http://127.0.0.1:$1/api/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}

# ---- PostgreSQL (bench/postgres.sh, bench/pg_entry_cost.sh) ----
# bench_pg_start NAME: a throwaway cluster (tests/pg/cluster.sh, fsync off, on a Unix
# socket) at a fresh path under TMPDIR, started; its URL in BENCH_PG_URL, its path in
# BENCH_PG_CLUSTER. At exit (or INT, TERM, HUP) the servers whose PIDs the script keeps
# in $server and $server2 are stopped, then the cluster. With PRELOAD set, the
# cluster is restarted with shared_preload_libraries = PRELOAD (pg_stat_statements).
bench_pg_start() {
  BENCH_PG_CLUSTER=$(mktemp -u "${TMPDIR:-/tmp}/urne-bench-$1.XXXXXX")
  server= server2=
  trap bench_pg_cleanup EXIT
  trap 'exit 1' INT TERM HUP
  BENCH_PG_URL=$(sh "$BENCH_HERE/../tests/pg/cluster.sh" start "$BENCH_PG_CLUSTER")
  if [ -n "${PRELOAD:-}" ]; then
    psql -X -q "$BENCH_PG_URL" -c "ALTER SYSTEM SET shared_preload_libraries = '$PRELOAD'"
    sh "$BENCH_HERE/../tests/pg/cluster.sh" restart "$BENCH_PG_CLUSTER"
  fi
}

# bench_pg_cleanup: the servers still running ($server, $server2) stopped, then the
# cluster (the EXIT trap bench_pg_start sets).
bench_pg_cleanup() {
  [ -n "${server:-}" ] && { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [ -n "${server2:-}" ] && { kill -TERM "$server2" 2>/dev/null || true; wait "$server2" 2>/dev/null || true; }
  sh "$BENCH_HERE/../tests/pg/cluster.sh" stop "$BENCH_PG_CLUSTER"
}

# bench_pg_db NAME: a new database of the cluster, its commits acknowledged once their
# WAL is written (synchronous_commit = on, as SQLite's WAL with synchronous=NORMAL: see
# bench/postgres.sh): its URL on standard output, its setting said on standard error.
bench_pg_db() {
  local db
  db=$(echo "$BENCH_PG_URL" | sed "s#/postgres?#/$1?#")
  psql -X -q -v ON_ERROR_STOP=1 "$BENCH_PG_URL" -c "CREATE DATABASE $1" -c "ALTER DATABASE $1 SET synchronous_commit = on" >&2 ||
    return 1
  psql -X -qAt "$db" -c "SELECT 'bench: database $1: synchronous_commit=' || current_setting('synchronous_commit')" >&2 ||
    return 1
  echo "$db"
}
