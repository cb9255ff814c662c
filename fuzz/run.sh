#!/usr/bin/env bash
# Run each libFuzzer target for a few seconds, seeded with the real files, the
# examples and the broken inputs. Fails on the first crash, leak or sanitizer report.
set -eu
build=$1
seconds=${2:-8}
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
data=$root/../shared/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ministry" "$work/legislative" "$work/native" "$work/blt" "$work/preflib" "$work/debian" "$work/text" "$work/csv"
# Seeds: small real pieces (large files slow the fuzzer down), examples, broken files.
head -c 4000 "$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt" > "$work/ministry/official"
head -c 4000 "$data/fr_pres2017_2022_rhone69_bureaux/2017-pres-t2-commune-rhone-69-bronze.csv" > "$work/ministry/t2"
cp "$root"/tests/bad/ministry-*.txt "$work/ministry/"
head -c 6000 "$data/fr_leg2017_t1_circonscriptions/Legislatives_2017_Resultats_T1_Circonscription.csv" > "$work/legislative/circo"
cp "$root"/tests/bad/legislative-*.csv "$work/legislative/"
cp "$root"/examples/*.csv "$root"/tests/bad/native-*.csv "$work/native/"
head -c 3000 "$data/glasgow2007_stv_blt/Anderston-City-2007.blt" > "$work/blt/head"
cp "$data"/tideman_ers_hil/A1.HIL "$root"/tests/bad-ballots/*.blt "$work/blt/"
cp "$data"/preflib/00002-debian/00002-00000001.toc "$data"/preflib/00005-burlington/00005-00000001.toi \
   "$root"/tests/bad-ballots/preflib-* "$work/preflib/"
head -c 4000 "$data/debian_dpl_tallies/leader2006_tally.txt" > "$work/debian/head"
cp "$root"/tests/bad-ballots/debian-* "$work/debian/"
cp "$root"/tests/bad-ballots/text-* "$work/text/"
printf '# title: t\n# seats: 2\n12: Alice > Bruno = Chloé\nBruno > Alice\n3: Chloé\n' > "$work/text/ok"
cp "$root"/examples/budget-mj.csv "$root"/tests/bad-ballots/*.csv "$work/csv/"
printf 'count,A,B,C\n5,1,x,0\n3,,oui,yes\n' > "$work/csv/approval"
for fmt in ministry legislative native blt preflib debian text csv; do
  echo "fuzz: $fmt for ${seconds}s"
  "$build/fuzz_$fmt" -max_total_time="$seconds" -max_len=8192 -print_final_stats=0 -artifact_prefix="$build/" \
      "$work/$fmt" >"$work/$fmt.log" 2>&1 || { tail -40 "$work/$fmt.log"; echo "fuzz: $fmt FAILED"; exit 1; }
  grep -E "^#[0-9]+.*DONE" "$work/$fmt.log" | tail -1 || true
done
echo "fuzz: 8 passed, 0 failed"
