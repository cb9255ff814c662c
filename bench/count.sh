#!/usr/bin/env bash
# make bench-count: the count engine, file to result through `urne count` (reading and
# parsing included), on seeded ballots from bench/gen_ballots.py (Plackett-Luce
# rankings, 40 % truncated, one BLT line per voter).
#   1. 10 candidates x 100,000 ballots: Schulze, Ranked Pairs, IRV, STV (3 seats,
#      Scottish), Borda, one process per method; the peer, the Condorcet PHP library
#      (bench/condorcet_peer.php, the library from $CONDORCET_DIR), the same five,
#      file to result, one process each, in the same run. Target (issue 16): at least
#      300x the peer; without the peer, 0.08 s (300x the 23.8 s it took for issue 16).
#   2. The same five from one read (`urne count --method a,b,c`), the same target.
#   3. 10 x 1,000,000, one process per method: target (issue 3) under 3 s.
# Medians of RUNS runs (default 5) for urne; the peer once (tens of seconds).
set -eu
urne=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
out=$BENCH_OUT
runs=${RUNS:-5}
gen() { [ -s "$out/$4" ] || "$BENCH_PY" "$BENCH_HERE/gen_ballots.py" "$1" "$2" "$3" 20261123 "$out/$4"; }
gen 10 100000 3 b10x100k.blt
gen 10 1000000 3 b10x1m.blt
echo "bench: count — $(bench_machine)" >&2

methods=("schulze" "ranked-pairs" "irv" "stv --rule scottish --seats 3" "borda")
# five FILE: the five methods' medians added up, one process each
five() {
  local total=0 m s
  for m in "${methods[@]}"; do
    # shellcheck disable=SC2086
    s=$(bench_median "$runs" "$urne" count --method $m "$1")
    echo "bench: urne count --method $m $(basename "$1"): median $s s" >&2
    total=$(bench_calc "$total + $s" %.6f)
  done
  echo "$total"
}

peer_goal=0.08 # 300x the peer's 23.8 s of issue 16, when the peer is not run
peer="peer absent: CONDORCET_DIR unset (a local copy of julien-boudry/Condorcet 4.5, its src/ or the repository)"
peer_s=
if [ -n "${CONDORCET_DIR:-}" ]; then
  src=$CONDORCET_DIR
  [ -d "$src/src" ] && src=$src/src
  if ! command -v php >/dev/null; then
    peer="peer absent: php not installed (make bench-deps)"
  else
    peer_s=0
    for m in schulze ranked-pairs irv stv borda; do
      start=$(date +%s.%N)
      php "$BENCH_HERE/condorcet_peer.php" "$src" "$m" "$out/b10x100k.blt" > "$out/peer.$m" 2>>"$out/peer.err"
      end=$(date +%s.%N)
      echo "bench: Condorcet PHP $m: $(bench_calc "$end - $start") s, $(cat "$out/peer.$m")" >&2
      peer_s=$(bench_calc "$peer_s + $end - $start" %.3f)
    done
    peer="Condorcet PHP $peer_s s"
  fi
fi
verdict() { # verdict URNE_SECONDS: the goal and met (1) or not (0)
  if [ -n "$peer_s" ]; then
    echo "at least 300x the peer ($(bench_calc "$peer_s / $1" %.0f)x)" "$(bench_ok "$peer_s / $1 >= 300")"
  else
    echo "$peer_goal s (300x the peer's 23.8 s)" "$(bench_ok "$1 <= $peer_goal")"
  fi
}
line() { # line WHAT SECONDS
  local v goal met
  v=$(verdict "$2"); met=${v##* }; goal=${v% *}
  bench_line count "$1" "$(bench_calc "$2") s" "$peer" "$goal" "$met"
}

t=$(five "$out/b10x100k.blt")
line "10 x 100,000, five methods, one process each" "$t"
list=schulze,ranked-pairs,irv,stv,borda
one=$(bench_median "$runs" "$urne" count --method "$list" --rule scottish --seats 3 "$out/b10x100k.blt")
line "10 x 100,000, five methods from one read" "$one"
t=$(five "$out/b10x1m.blt")
bench_line count "10 x 1,000,000, five methods, one process each" "$(bench_calc "$t") s" "no peer run at this size" \
  "under 3 s" "$(bench_ok "$t < 3")"
