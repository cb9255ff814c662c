#!/usr/bin/env bash
# Run each libFuzzer target: first every input of its regression corpus,
# fuzz/corpus/FORMAT/ (inputs that once found a bug: each is run once and must pass),
# then SECONDS of fuzzing seeded with the real files, the examples, the broken inputs
# and that corpus. Fails on the first crash, leak, timeout or sanitizer report: the
# targets are built with -fno-sanitize-recover=all, so UBSan aborts as ASan does, and
# every log is searched for a report all the same, in case one did not stop the run.
#
# Usage: run.sh BUILD [SECONDS] [FORMAT]   (FORMAT: one target only, for a campaign)
# With FUZZ_STATS=FILE, one line per target is appended to FILE:
#   FORMAT executions=N exec_per_s=N corpus=N seconds=N
set -eu
build=$1
seconds=${2:-8}
only=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
data=$root/../shared/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$work/ministry" "$work/legislative" "$work/native" "$work/blt" "$work/preflib" "$work/debian" "$work/text" "$work/csv" \
         "$work/initiative" "$work/forum"
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
printf 'preset = eci\nnational = 0,5 %%\nterritory = 720 per-seat\nwindow = 1 year 15 days\nopens = 2026-01-01T10:00:00Z\nroll = FR\n' > "$work/initiative/rules"
printf 'territory;electorate;signatures;seats;minimum\nDE;60 000 000;69120;96;\nFR;48000000;58320;81;100\n' > "$work/initiative/counts"
printf 'N\xe2\x80\x99Diaye-\xc5\x93\xc3\xa9 E\xcc\x81\nJean-Pierre\n01/05/1980\n2A004' > "$work/initiative/identity"
printf 'Bonjour {{tout}} le {monde}\n\n<quote>Il a dit <q>non</q>.</quote>\n[le site->https://a.fr] [x->javascript:y]\n<code>{{x}}</code> <del>a</del><ins>b</ins>' > "$work/forum/grammar"
printf '{{{x}}} {{a {b}} c} <del>a <q>b</del> c</q> [->mailto:a@b.fr] <quote><quote>x</quote>' > "$work/forum/broken"

# A sanitizer or libFuzzer report anywhere in a log, even one that did not end the run.
reported() {
  grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer' "$1"
}
failed() { tail -60 "$1"; echo "fuzz: $2 FAILED"; exit 1; }

ran=0
for fmt in ministry legislative native blt preflib debian text csv initiative forum; do
  [ -z "$only" ] || [ "$only" = "$fmt" ] || continue
  log=$work/$fmt.log
  regress=$root/fuzz/corpus/$fmt
  if [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
    n=$(ls -A "$regress" | wc -l)
    "$build/fuzz_$fmt" -artifact_prefix="$build/" "$regress"/* >"$log" 2>&1 || failed "$log" "$fmt (regression corpus)"
    ! reported "$log" || failed "$log" "$fmt (regression corpus)"
    echo "fuzz: $fmt regression corpus, $n inputs passed"
  fi
  echo "fuzz: $fmt for ${seconds}s"
  # The work directory comes first: libFuzzer adds what it finds there, never to the
  # committed corpus. An input slower than a minute is a finding too (-timeout).
  "$build/fuzz_$fmt" -max_total_time="$seconds" -timeout=60 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$build/" "$work/$fmt" "$regress" >"$log" 2>&1 || failed "$log" "$fmt"
  ! reported "$log" || failed "$log" "$fmt"
  grep -E "^#[0-9]+.*DONE" "$log" | tail -1 || true
  if [ -n "${FUZZ_STATS:-}" ]; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(grep -E "^#[0-9]+.*DONE" "$log" | tail -1 | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
    echo "$fmt executions=${execs:-?} exec_per_s=${rate:-?} corpus=${corpus:-?} seconds=$seconds" >> "$FUZZ_STATS"
  fi
  ran=$((ran + 1))
done
echo "fuzz: $ran passed, 0 failed"
