#!/usr/bin/env bash
# make bench, part 3: LEXIMIN on the paper's example_large_200 and on seeded synthetic
# pools shaped like the paper's instances (bench/gen_pool.py), each with a time limit
# so that the run ends (60 s, else 300 s; SORTITION_LIMIT overrides): a pool that
# needs more is reported as stopped (by the time limit, or by the engine's own budget
# of panel searches), with the smallest probability reached. The engine's work is
# deterministic (issue 14): the rounds, panels and LP / MIP solves printed are the
# same on every machine; only the seconds vary. Targets (issue 4): example_large_200 under 60 s, 400
# volunteers and 7 categories under 10 s, 2,000 and 7 categories under 5 minutes.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
py=/usr/bin/python3
run() { # run LABEL DIR K TARGET LIMIT [EXTRA OPTIONS]; TARGET 0: none named
  local label=$1 dir=$2 k=$3 target=$4 limit=${SORTITION_LIMIT:-$5} start end
  shift 5
  start=$(date +%s.%N)
  "$urne" sortition draw --pool "$dir/respondents.csv" --quotas "$dir/categories.csv" --size "$k" \
      --out "$out/sortition" --time-limit "$limit" --json "$@" > "$out/sortition.json" 2>/dev/null
  end=$(date +%s.%N)
  "$py" - "$label" "$out/sortition.json" "$start" "$end" "$target" <<'PY'
import json, sys
label, path, start, end, target = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
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
      f"{d.get('panel_searches', '?')} panel searches  ({state})")
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
