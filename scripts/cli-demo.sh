#!/usr/bin/env bash
# A tour of the command line (`make cli-demo`): the examples and a real file,
# counted by the CLI, with the commands printed so they can be tried again by hand.
set -u
urne=$1
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "$root/../shared/data" 2>/dev/null && pwd)
run() {
  printf '\n\033[1m$ urne %s\033[0m\n' "$*"
  "$urne" "$@"
}
echo "urne — a democratic-decision engine. A tour of the command line."
run results tally "$root/examples/primary-round2.csv"
run results tally "$root/examples/section-designation.csv" --level section
run results tally "$root/examples/federation-designation.csv" --level circonscription
run results tally "$root/examples/coop-assembly.csv" --level college
run results tally "$root/examples/blank-majority.csv"
rhone=$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
if [ -n "$data" ] && [ -f "$rhone" ]; then
  run results tally "$rhone" --level departement
else
  echo "(the real data folder ../shared/data is not beside this checkout: skipping the Rhône file)"
fi
echo
echo "— Counting ballots —"
run count --method stv "$root/examples/board-stv.txt"
run count --method mj "$root/examples/budget-mj.csv"
run count --method plurality "$root/examples/coop-resolution.txt"
if [ -n "$data" ]; then
  run count --method stv --rule scottish "$data/glasgow2007_stv_blt/Anderston-City-2007.blt"
  run count --method schulze "$data/debian_dpl_tallies/leader2006_tally.txt"
fi
printf '\nTry: %s results tally --help, %s count --help\n' "$urne" "$urne"
