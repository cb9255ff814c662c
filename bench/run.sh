#!/usr/bin/env bash
# make bench: the results engine at national scale, against pandas, in the same run.
#
# Builds a per-bureau file in the Ministry's official layout with ~70,000 bureaux and
# 11 candidates (the Rhône's 1,287 bureaux under 55 département codes), then:
#   1. checks that urne and pandas find the same national totals;
#   2. times `urne results tally FILE --level national` (whole process: read, decode,
#      parse, check every sheet, aggregate, decide, print) and the pandas script (whole
#      process, and pandas' own read_csv + sums as it reports them), side by side,
#      median of RUNS (default 15);
#   3. prints peak memory (max RSS) of both.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
runs=${RUNS:-15}
py=/usr/bin/python3   # Debian's, where python3-pandas is installed
mkdir -p "$out"
src=$here/../../shared/data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
file=$out/national.txt
[ -s "$file" ] || "$here/make_national.sh" "$src" "$file" 55
bureaux=$(($(wc -l < "$file") - 1))
echo "bench: $file — $bureaux bureaux, $(du -m "$file" | cut -f1) MB, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

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
print(f"bench: same totals from urne and pandas ({len(p)} figures; inscrits {mine['inscrits']:,})")
PY

# 2 and 3. Times and memory, both tools side by side in the same runs (bench/timeit.py:
# each run starts urne then pandas, wall time on a nanosecond clock around each
# process, peak memory from the kernel's accounting of the child).
"$py" "$here/timeit.py" "$runs" urne -- "$urne" results tally "$file" --level national \
    --- pandas -- "$py" "$here/pandas_tally.py" "$file" > "$out/timeit.txt" 2> "$out/timeit.runs"
read -r _ urne_s urne_min urne_rss < <(grep '^urne ' "$out/timeit.txt")
read -r _ pandas_s pandas_min pandas_rss < <(grep '^pandas ' "$out/timeit.txt")
pandas_inner=$(grep -o 'pandas_read_sum_s;[0-9.]*' "$out/timeit.runs" | cut -d';' -f2 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf "bench: %-28s median %7.4f s (fastest %.4f) over %d runs, peak memory %4d MB\n" "urne results tally" "$urne_s" "$urne_min" "$runs" "$urne_rss"
printf "bench: %-28s median %7.4f s (fastest %.4f) over %d runs, peak memory %4d MB\n" "pandas (python3 process)" "$pandas_s" "$pandas_min" "$runs" "$pandas_rss"
printf "bench: %-28s median %7.3f s (read_csv + sums, as pandas itself times them)\n" "pandas inside" "$pandas_inner"
awk -v u="$urne_s" -v p="$pandas_s" -v i="$pandas_inner" 'BEGIN {
  printf "bench: urne is %.1fx faster than pandas end to end, %.1fx faster than pandas read_csv+sums alone\n", p/u, i/u
  printf "bench: targets: under 0.5 s -> %s; 20x pandas -> %s\n", (u < 0.5 ? "met" : "NOT met"), (p/u >= 20 ? "met" : "NOT met")
}'
