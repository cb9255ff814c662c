#!/usr/bin/env bash
# Same results, byte for byte: run an old and a new `urne` over every ballot file of
# the real data (../shared/data: BLT, HIL, PrefLib, Debian) and the examples, by every
# ranked method (and STV by each rule), as a table and as JSON, and compare standard
# output, standard error and exit status. Also checks that `--method a,b,c` prints
# what the single runs print, one after the other. Used when the count path is made
# faster (issue 16): a speed-up must not change one digit.
# Usage: bench/compare_counts.sh OLD_URNE NEW_URNE [DATA_DIR]
set -u
old=$(realpath "$1")
new=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
data=${3:-$here/../../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
methods=(plurality approval two-round borda irv schulze ranked-pairs copeland minimax
         "stv --rule scottish" "stv --rule meek" "stv --rule wigm")
files=$(find "$data" "$here/../examples" -type f \( -name '*.blt' -o -name '*.hil' -o -name '*.so[ci]' \
          -o -name '*.to[ci]' -o -name '*.cat' -o -path '*debian_dpl_tallies*' -o -name '*.txt' -o -name '*.csv' \) \
        ! -name '*.md' ! -path '*/sortition/*' ! -path '*bureaux*' ! -path '*official*' ! -path '*circonscriptions*' | sort)
runs=0 diffs=0
for f in $files; do
  for m in "${methods[@]}"; do
    for j in "" --json; do
      # shellcheck disable=SC2086
      "$old" count --method $m $j "$f" > "$tmp/o.out" 2> "$tmp/o.err"; echo $? >> "$tmp/o.out"
      # shellcheck disable=SC2086
      "$new" count --method $m $j "$f" > "$tmp/n.out" 2> "$tmp/n.err"; echo $? >> "$tmp/n.out"
      runs=$((runs + 1))
      if ! cmp -s "$tmp/o.out" "$tmp/n.out" || ! cmp -s "$tmp/o.err" "$tmp/n.err"; then
        diffs=$((diffs + 1))
        echo "DIFFERENT: $f --method $m $j"
      fi
    done
  done
  # one read, several methods: the single reports one after the other
  list=plurality,borda,irv,schulze,ranked-pairs,copeland,minimax
  if "$new" count --method "$list" "$f" > "$tmp/multi.out" 2>/dev/null; then
    : > "$tmp/singles.out"
    first=1
    for m in ${list//,/ }; do
      [ $first = 1 ] || echo >> "$tmp/singles.out"
      first=0
      "$new" count --method "$m" "$f" >> "$tmp/singles.out" 2>/dev/null
    done
    runs=$((runs + 1))
    cmp -s "$tmp/multi.out" "$tmp/singles.out" || { diffs=$((diffs + 1)); echo "DIFFERENT: $f --method $list"; }
  fi
done
echo "compare_counts: $runs runs over $(echo "$files" | wc -l) files, $diffs different"
[ "$diffs" = 0 ]
