#!/usr/bin/env bash
# make bench-sortition: LEXIMIN on the paper's example_large_200 and on seeded synthetic
# pools shaped like the paper's instances (bench/gen_pool.py), each with a time limit
# so that the run ends (60 s, else 300 s; SORTITION_LIMIT overrides): a pool that
# needs more is reported as stopped (by the time limit, or by the engine's own budget
# of panel searches), with the smallest probability reached. The engine's work is
# deterministic (issue 14): the rounds, panels and LP / MIP solves printed are the
# same on every machine; only the seconds vary. Targets (issue 4): example_large_200 under 60 s, 400
# volunteers and 7 categories under 10 s, 2,000 and 7 categories under 5 minutes: one
# BENCH line each (the 400 pool's peer figure: the paper's column generation alone on
# it, in the same run); the pools without a target, and every run's details, on
# standard error.
set -eu
urne=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
here=$BENCH_HERE
out=$BENCH_OUT
py=$BENCH_PY
: > "$out/sortition.times"
run() { # run LABEL DIR K TARGET LIMIT [EXTRA OPTIONS]; TARGET 0: none named
  local label=$1 dir=$2 k=$3 target=$4 limit=${SORTITION_LIMIT:-$5} start end
  shift 5
  start=$(date +%s.%N)
  "$urne" sortition draw --pool "$dir/respondents.csv" --quotas "$dir/categories.csv" --size "$k" \
      --out "$out/sortition" --time-limit "$limit" --json "$@" > "$out/sortition.json" 2>/dev/null
  end=$(date +%s.%N)
  "$py" - "$label" "$out/sortition.json" "$start" "$end" "$target" "$out/sortition.times" <<'PY'
import json, sys
label, path, start, end, target = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
times = sys.argv[6]
d = json.load(open(path))
t = end - start
if d.get("stopped_by"):
    state = f"stopped: {d['stopped_by']}, best found"
elif d["timed_out"]:
    state = "timed out: best found"
elif target > 0:
    state = f"target {target:.0f} s: " + ("met" if t < target else "NOT met")
else:
    state = "no target named"
print(f"bench: {label:44s} {t:7.2f} s  min probability {100 * d['min_probability']:.4f} %  "
      f"{d['types']} types, {d['algorithm']}, {d['rounds']} rounds, {d['panels_generated']} panels generated "
      f"({d['distribution_panels']} in the distribution), {d['lp_solves']} LP / {d['mip_solves']} MIP solves, "
      f"{d.get('panel_searches', '?')} panel searches  ({state})", file=sys.stderr)
with open(times, "a") as f:  # label, seconds, finished (1) or stopped (0)
    f.write(f"{label}\t{t:.2f}\t{0 if d.get('stopped_by') or d['timed_out'] else 1}\n")
PY
}
pool() { # pool DIR N K CATEGORIES SEED: generated once, seeded
  [ -s "$out/$1/respondents.csv" ] || "$py" "$here/gen_pool.py" "$2" "$3" "$4" "$5" "$out/$1"
}
run "example_large_200 (2,000, k=200)" "$here/../../shared/data/sortition/example_large_200" 200 60 60
pool pool300 300 20 4 3
run "synthetic 300, 4 categories, k=20" "$out/pool300" 20 0 300
pool pool400 400 40 7 1
run "synthetic 400, 7 categories, k=40" "$out/pool400" 40 10 300
pool pool1000 1000 100 5 4
run "synthetic 1,000, 5 categories, k=100" "$out/pool1000" 100 0 300
pool pool1727 1727 110 7 5
run "synthetic 1,727, 7 categories, k=110" "$out/pool1727" 110 0 300
pool pool2000 2000 200 7 2
run "synthetic 2,000, 7 categories, k=200" "$out/pool2000" 200 300 300
# side by side: the paper's column generation alone on the 400 pool, same machine, same run
run "400 pool, column generation alone" "$out/pool400" 40 0 300 --column-generation
# The BENCH lines: seconds, and whether the run finished under its target.
get() { awk -F'\t' -v l="$1" '$1 == l {print $'"$2"'}' "$out/sortition.times"; }
target() { # target LABEL WHAT GOAL_SECONDS GOAL_WORDS PEER
  local t fin
  t=$(get "$1" 2); fin=$(get "$1" 3)
  bench_line sortition "$2" "$t s$([ "$fin" = 1 ] || echo ', stopped before the end')" "$5" "$4" \
    "$(bench_ok "$fin == 1 && $t < $3")"
}
target "example_large_200 (2,000, k=200)" "LEXIMIN, example_large_200 (2,000 volunteers, k = 200)" 60 "under 60 s" \
  "the paper: 1,161.8 s, not run here"
cg=$(get "400 pool, column generation alone" 2)
target "synthetic 400, 7 categories, k=40" "LEXIMIN, 400 volunteers, 7 categories, k = 40" 10 "under 10 s" \
  "column generation alone, same run: $cg s"
target "synthetic 2,000, 7 categories, k=200" "LEXIMIN, 2,000 volunteers, 7 categories, k = 200" 300 "under 5 minutes" \
  "no peer run at this size"
