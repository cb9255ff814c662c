#!/usr/bin/env bash
# bench/count-stv.sh URNE: STV at the limit (issue 16), end to end through the CLI
# (process start, parsing and output included), on Meath 2002 (PrefLib 00001-00000003:
# 64,081 ballots, 25,101 distinct rankings, 14 candidates, 5 seats).
#   Meek STV       target: under 0.08 s and at least 50x droop
#   Scottish STV   target: at least 100x droop
# urne's figure is the best of 7 runs (the machine is shared: the best run is the one
# least disturbed by others); droop's the best of 3 (it takes seconds).
# droop (https://github.com/jklundell/droop, Python) is not a Debian package: set
# DROOP_DIR to a local copy (the directory holding Droop.py). Without it, urne's
# figures are printed alone and the peer is said to be absent. droop reads BLT only,
# so the PrefLib file is written out as BLT first (bench/out/meath2002.blt), and urne
# counts that same file (since issue 16's session of 2026-12-06: before, urne read the
# .soi while droop read the .blt); its figures on the .soi go to standard error.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
mkdir -p "$out"
data=${URNE_DATA:-$here/../../shared/data}
soi=$data/preflib/00001-irish/00001-00000003.soi
[ -s "$soi" ] || { echo "bench: $soi not found (set URNE_DATA)" >&2; exit 1; }

best() { # best N CMD... -> the least wall time in seconds over N runs
  local n=$1 b="" t
  shift
  for _ in $(seq "$n"); do
    t=$({ TIMEFORMAT=%3R; time "$@" >/dev/null 2>>"$out/count-stv.stderr"; } 2>&1)
    b=$(awk -v a="$b" -v t="$t" 'BEGIN {print (a == "" || t < a) ? t : a}')
  done
  echo "$b"
}

blt=$out/meath2002.blt
if [ ! -s "$blt" ]; then
  awk -F'[:,]' '
    /^# NUMBER ALTERNATIVES/ { n = $2 + 0 }
    /^# ALTERNATIVE NAME/ { sub(/^# ALTERNATIVE NAME [0-9]+: /, ""); names[++k] = $0 }
    /^[0-9]/ { line = $1 + 0; for (i = 2; i <= NF; i++) line = line " " ($i + 0); body = body line " 0\n" }
    END {
      printf "%d 5\n%s0\n", n, body
      for (i = 1; i <= k; i++) printf "\"%s\"\n", names[i]
      print "\"Meath 2002\""
    }' "$soi" >"$blt.tmp"
  mv "$blt.tmp" "$blt"
fi

line() { # line WHAT URNE_S PEER_S|- MAX_S|- MIN_RATIO
  local what=$1 u=$2 p=$3 max=$4 ratio=$5
  if [ "$p" = "-" ]; then # the peer is absent: only the absolute part can be judged
    if [ "$max" = "-" ]; then
      echo "BENCH count $what: $u s (droop absent: set DROOP_DIR) target at least ${ratio}x droop: not met (unjudged)"
    else
      echo "BENCH count $what: $u s (droop absent: set DROOP_DIR) target under $max s (${ratio}x droop unjudged):" \
        "$(awk -v u="$u" -v m="$max" 'BEGIN {print (u < m) ? "met" : "not met"}')"
    fi
    return
  fi
  local x goal met
  x=$(awk -v u="$u" -v p="$p" 'BEGIN {printf "%.0f", (u > 0 ? p / u : 0)}')
  met=$(awk -v u="$u" -v p="$p" -v m="$max" -v r="$ratio" \
    'BEGIN {print ((m == "-" || u < m) && u > 0 && p / u >= r) ? "met" : "not met"}')
  goal="at least ${ratio}x droop"
  [ "$max" != "-" ] && goal="under $max s and $goal"
  echo "BENCH count $what: $u s (droop $p s, ${x}x) target $goal: $met"
}

meek=$(best 7 "$urne" count --method stv --rule meek --seats 5 "$blt")
scot=$(best 7 "$urne" count --method stv --rule scottish --seats 5 "$blt")
echo "bench: the same on the PrefLib file: Meek $(best 7 "$urne" count --method stv --rule meek --seats 5 "$soi") s," \
  "Scottish $(best 7 "$urne" count --method stv --rule scottish --seats 5 "$soi") s" >&2
droop_meek=- droop_scot=-
if [ -n "${DROOP_DIR:-}" ] && [ -f "$DROOP_DIR/Droop.py" ]; then
  droop_meek=$(best 3 python3 "$DROOP_DIR/Droop.py" meek "$blt")
  droop_scot=$(best 3 python3 "$DROOP_DIR/Droop.py" scotland "$blt")
fi
line "Meath 2002 Meek STV" "$meek" "$droop_meek" 0.08 50
line "Meath 2002 Scottish STV" "$scot" "$droop_scot" - 100
