#!/usr/bin/env bash
# make bench-results: the results engine at national scale, against pandas, in the same run.
#
# Builds a per-bureau file in the Ministry's official layout with ~70,000 bureaux and
# 11 candidates (the Rhône's 1,287 bureaux under 55 département codes), then:
#   1. checks that urne and pandas find the same national totals;
#   2. times `urne results tally FILE --level national` (whole process: read, decode,
#      parse, check every sheet, aggregate, decide, print) and the pandas script (whole
#      process, and pandas' own read_csv + sums as it reports them), side by side,
#      median of RUNS (default 15);
#   3. prints peak memory (max RSS) of both.
# Targets (issue 2): under 0.5 s, and at least 20x pandas, end to end: one BENCH line
# each; the rest on standard error.
set -eu
urne=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
here=$BENCH_HERE
out=$BENCH_OUT
runs=${RUNS:-15}
py=$BENCH_PY
src=$here/../../shared/data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
file=$out/national.txt
[ -s "$file" ] || "$here/make_national.sh" "$src" "$file" 55
bureaux=$(($(wc -l < "$file") - 1))
echo "bench: $file — $bureaux bureaux, $(du -m "$file" | cut -f1) MB, $(bench_machine)" >&2

# 1. Same answer.
"$urne" results tally "$file" --level national --json > "$out/urne.json"
"$py" "$here/pandas_tally.py" "$file" > "$out/pandas.txt" 2>/dev/null
"$py" - "$out/urne.json" "$out/pandas.txt" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))["units"][0]
p = dict(l.strip().split(";") for l in open(sys.argv[2]))
mine = {k: u[k] for k in ("inscrits", "votants", "blancs", "nuls", "exprimes")}
mine.update({c["name"]: c["voix"] for c in u["candidates"]})
bad = [k for k in p if int(p[k]) != mine.get(k)]
if bad:
    sys.exit(f"bench: urne and pandas disagree on {bad}")
print(f"bench: same totals from urne and pandas ({len(p)} figures; inscrits {mine['inscrits']:,})", file=sys.stderr)
PY

# 2 and 3. Times and memory, both tools side by side in the same runs (bench/timeit.py:
# each run starts urne then pandas, wall time on a nanosecond clock around each
# process, peak memory from the kernel's accounting of the child).
"$py" "$here/timeit.py" "$runs" urne -- "$urne" results tally "$file" --level national \
    --- pandas -- "$py" "$here/pandas_tally.py" "$file" > "$out/timeit.txt" 2> "$out/timeit.runs"
read -r _ urne_s urne_min urne_rss < <(grep '^urne ' "$out/timeit.txt")
read -r _ pandas_s pandas_min pandas_rss < <(grep '^pandas ' "$out/timeit.txt")
pandas_inner=$(grep -o 'pandas_read_sum_s;[0-9.]*' "$out/timeit.runs" | cut -d';' -f2 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
{
  printf "bench: urne results tally: median %.4f s (fastest %.4f) over %d runs, peak memory %d MB\n" "$urne_s" "$urne_min" "$runs" "$urne_rss"
  printf "bench: pandas (python3 process): median %.4f s (fastest %.4f), peak memory %d MB; read_csv + sums inside: %.3f s\n" \
    "$pandas_s" "$pandas_min" "$pandas_rss" "$pandas_inner"
} >&2
bench_line results "national tally, $bureaux bureaux, file to result" "$(bench_calc "$urne_s" %.4f) s" \
  "pandas $(bench_calc "$pandas_s" %.3f) s" "under 0.5 s" "$(bench_ok "$urne_s < 0.5")"
bench_line results "national tally against pandas" "$(bench_calc "$pandas_s / $urne_s" %.1f)x pandas" \
  "pandas $(bench_calc "$pandas_s" %.3f) s, urne $(bench_calc "$urne_s" %.4f) s" "at least 20x pandas" \
  "$(bench_ok "$pandas_s / $urne_s >= 20")"
