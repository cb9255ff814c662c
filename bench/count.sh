#!/usr/bin/env bash
# make bench, part 2: the count engine, end to end through the CLI (parse included).
#   10 candidates x 100,000 ballots: Schulze, Ranked Pairs, IRV, Scottish STV (3 seats), Borda
#   the same with 1,000,000 ballots
#   200 candidates x 10,000 ballots: the Condorcet methods
# Targets (issue 3): the 100,000-ballot set through every method in under 0.5 s in total,
# 1,000,000 in under 3 s; memory growing with distinct ballots rather than ballots.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
py=/usr/bin/python3
gen() { [ -s "$out/$4" ] || "$py" "$here/gen_ballots.py" "$1" "$2" "$3" 20261123 "$out/$4"; }
gen 10 100000 3 b10x100k.blt
gen 10 1000000 3 b10x1m.blt
gen 200 10000 1 b200x10k.blt

one() { # one FILE METHOD... -> wall seconds and max RSS in KB
  /usr/bin/time -f "%e %M" -o "$out/t.one" "$urne" count "$@" >/dev/null 2>>"$out/count.stderr"
  cat "$out/t.one"
}
suite() { # suite LABEL FILE TARGET METHODS...
  local label=$1 file=$2 target=$3; shift 3
  local total=0 peak=0
  for m in "$@"; do
    set -- $m
    read -r s kb < <(one --method "$@" "$file")
    printf "bench: %-22s %-28s %6.3f s %6d MB\n" "$label" "$m" "$s" $((kb / 1024))
    total=$(awk -v a="$total" -v b="$s" 'BEGIN {print a + b}')
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  if [ "$target" = "-" ]; then
    printf "bench: %-22s %-28s %6.3f s %6d MB peak (no target)\n" "$label" "TOTAL" "$total" $((peak / 1024))
  else
    printf "bench: %-22s %-28s %6.3f s %6d MB peak -> target %s s: %s\n" "$label" "TOTAL" "$total" $((peak / 1024)) \
      "$target" "$(awk -v t="$total" -v g="$target" 'BEGIN {print (t < g ? "met" : "NOT met")}')"
  fi
}
methods10=("schulze" "ranked-pairs" "irv" "stv --rule scottish --seats 3" "borda")
suite "10 x 100,000" "$out/b10x100k.blt" 0.5 "${methods10[@]}"
suite "10 x 1,000,000" "$out/b10x1m.blt" 3 "${methods10[@]}"
suite "200 x 10,000" "$out/b200x10k.blt" - "schulze" "ranked-pairs" "copeland" "minimax"
distinct=$("$urne" count --method plurality --json "$out/b10x1m.blt" | "$py" -c "import json,sys; d=json.load(sys.stdin); print(d['distinct_ballots'], d['ballots'])")
echo "bench: 10 x 1,000,000: distinct rankings / ballots = $distinct"
