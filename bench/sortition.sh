#!/usr/bin/env bash
# make bench, part 3: LEXIMIN on the paper's example_large_200 and on seeded synthetic
# pools shaped like the paper's instances (bench/gen_pool.py), each with a time limit
# so that the run ends (60 s, 60 s, 300 s; SORTITION_LIMIT overrides): a pool that
# needs more is reported as timed out, with the smallest probability reached. Targets (issue 4): example_large_200 under 60 s, 400
# volunteers and 7 categories under 10 s, 2,000 and 7 categories under 5 minutes.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
py=/usr/bin/python3
run() { # run LABEL DIR K TARGET LIMIT
  local label=$1 dir=$2 k=$3 target=$4 limit=${SORTITION_LIMIT:-$5} start end
  start=$(date +%s.%N)
  "$urne" sortition draw --pool "$dir/respondents.csv" --quotas "$dir/categories.csv" --size "$k" \
      --out "$out/sortition" --time-limit "$limit" --json > "$out/sortition.json" 2>/dev/null
  end=$(date +%s.%N)
  "$py" - "$label" "$out/sortition.json" "$start" "$end" "$target" <<'PY'
import json, sys
label, path, start, end, target = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
d = json.load(open(path))
t = end - start
state = "timed out: best found" if d["timed_out"] else ("target met" if t < target else "target NOT met")
print(f"bench: {label:34s} {t:7.2f} s  min probability {100 * d['min_probability']:.4f} %  "
      f"{d['types']} types, {d['rounds']} rounds, {d['panels_generated']} panels generated ({d['distribution_panels']} in the distribution), "
      f"{d['lp_solves']} LP / {d['mip_solves']} MIP solves  "
      f"(target {target:.0f} s: {state})")
PY
}
run "example_large_200 (2,000, k=200)" "$here/../../shared/data/sortition/example_large_200" 200 60 60
[ -s "$out/pool400/respondents.csv" ] || "$py" "$here/gen_pool.py" 400 40 7 1 "$out/pool400"
run "synthetic 400, 7 categories, k=40" "$out/pool400" 40 10 60
[ -s "$out/pool2000/respondents.csv" ] || "$py" "$here/gen_pool.py" 2000 200 7 2 "$out/pool2000"
run "synthetic 2,000, 7 categories, k=200" "$out/pool2000" 200 300 300
