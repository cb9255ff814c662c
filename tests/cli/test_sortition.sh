#!/usr/bin/env bash
# `urne sortition` as organisers run it: the paper's instances, a replay from the same
# seed, and the mistakes the issue names, each with its message.
set -u
. "$(dirname "$0")/lib.sh" "$@"
data=$data/sortition

expect_rc 0 sortition --help;         has out "--quotas FILE"
expect_rc 2 sortition;                has err "Usage: urne sortition"
expect_rc 2 sortition draw --pool x;  has err "--pool, --quotas and --size are required"
expect_rc 2 sortition draw --pool x --quotas y --size 5 --method lottery; has err "unknown method 'lottery' (leximin, maximin, nash, legacy)"

s=$data/example_small_20
expect_rc 0 sortition check --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20
has out "200 volunteers in"
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/a" --json
json "d['min_probability'] >= 0.1 - 1e-6, d['size'], d['pool'], d['seed'], d['quotas_met']" "(True, 20, 200, '4271', True)"
json "d['algorithm']" "'LP relaxation, decomposed'"
if [ "$(tail -n +2 "$tmp/a/panel.csv" | wc -l)" -eq 20 ]; then ok; else ko "panel.csv has not 20 people"; fi
python3 - "$tmp/a/probabilities.csv" <<'PY' && ok || ko "probabilities do not sum to 20 or one is under 10 %"
import sys
p = [float(l.split(",")[1]) for l in open(sys.argv[1]).read().split("\n")[1:] if l]
sys.exit(0 if abs(sum(p) - 20) < 1e-6 and min(p) >= 0.1 - 1e-6 and len(p) == 200 else 1)
PY
# (probabilities agree with LEXIMIN within 1e-6, the tolerance the issue sets: LP arithmetic
# works to about 1e-7)
# the same files and seed give the same panel; another seed another draw
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/b"
if cmp -s "$tmp/a/panel.csv" "$tmp/b/panel.csv"; then ok; else ko "the same seed drew another panel"; fi
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 1789 --out "$tmp/c"
if ! cmp -s "$tmp/a/panel.csv" "$tmp/c/panel.csv"; then ok; else ko "another seed drew the same panel"; fi

# the relaxation is the default; --column-generation, the paper's method alone, gives the
# same probabilities (within the issue's 1e-6)
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --column-generation --out "$tmp/cg" --json
json "d['algorithm'], d['quotas_met']" "('column generation', True)"
python3 - "$tmp/a/probabilities.csv" "$tmp/cg/probabilities.csv" <<'PY' && ok || ko "column generation and the relaxation disagree by more than 1e-6"
import sys
a, b = ([float(l.split(",")[1]) for l in open(f).read().split("\n")[1:] if l] for f in sys.argv[1:])
sys.exit(0 if len(a) == len(b) == 200 and max(abs(x - y) for x, y in zip(a, b)) <= 1e-6 else 1)
PY

l=$data/example_large_200
expect_rc 0 sortition draw --pool "$l/respondents.csv" --quotas "$l/categories.csv" --size 200 --out "$tmp/l" --json
json "round(d['min_probability'], 6), d['timed_out']" "(0.1, False)"

# Mistakes.
printf 'category,feature,min,max\ngender,female,9,10\ngender,male,11,20\n' > "$tmp/q.csv"
printf 'id,gender\n1,female\n2,male\n3,female\n' > "$tmp/p.csv"
expect_rc 1 sortition check --pool "$tmp/p.csv" --quotas "$tmp/q.csv" --size 5
has err "a panel of 5 from a pool of 3 is impossible"
expect_rc 1 sortition check --pool "$tmp/p.csv" --quotas "$tmp/q.csv" --size 3
has err "no panel of 3 meets every quota"
has err "gender/male: minimum 11 -> 1"
# the relaxation stays within min_flex/max_flex when it can, and says when it cannot
printf 'category,feature,min,max,min_flex,max_flex\ngender,female,2,2,1,3\ngender,male,2,2,1,3\n' > "$tmp/qf.csv"
printf 'id,gender\n1,female\n2,male\n3,female\n4,female\n' > "$tmp/pf.csv"
expect_rc 1 sortition check --pool "$tmp/pf.csv" --quotas "$tmp/qf.csv" --size 3
has err "gender/male: minimum 2 -> 1"
printf 'category,feature,min,max,min_flex,max_flex\ngender,female,2,2,2,3\ngender,male,2,2,2,3\n' > "$tmp/qf2.csv"
expect_rc 1 sortition check --pool "$tmp/pf.csv" --quotas "$tmp/qf2.csv" --size 3
has err "beyond min_flex/max_flex"
printf 'category,feature,min,max,min_flex,max_flex\ngender,female,2,2,3,3\n' > "$tmp/qf3.csv"
expect_rc 1 sortition check --pool "$tmp/pf.csv" --quotas "$tmp/qf3.csv" --size 2
has err "min_flex 3 is above min 2"
# a volunteer on no valid panel is named
printf 'category,feature,min,max\ngender,female,1,1\ngender,male,1,1\nage,young,0,0\nage,old,2,2\n' > "$tmp/qa.csv"
printf 'id,gender,age\nana,female,old\nbob,male,old\ncyd,female,young\n' > "$tmp/pa.csv"
expect_rc 0 sortition check --pool "$tmp/pa.csv" --quotas "$tmp/qa.csv" --size 2
has err "1 volunteer is on no panel that meets the quotas (probability 0): cyd"
# households: at most one seat per address; the two at 1 rue Haute never sit together
printf 'id,gender,street\n1,female,1 rue Haute\n2,male,1 RUE HAUTE \n3,female,2 rue Basse\n4,male,3 quai\n' > "$tmp/ph.csv"
printf 'category,feature,min,max\ngender,female,1,1\ngender,male,1,1\n' > "$tmp/qh.csv"
expect_rc 0 sortition draw --pool "$tmp/ph.csv" --quotas "$tmp/qh.csv" --size 2 --households street --out "$tmp/h" --json
json "d['households'], d['quotas_met']" "(1, True)"
python3 - "$tmp/h/panels.csv" <<'PY' && ok || ko "a panel seats two people of one household"
import sys
rows = open(sys.argv[1]).read().split("\n")[1:]
sys.exit(1 if any("(1)" in r and "(2)" in r for r in rows) else 0)
PY
expect_rc 1 sortition check --pool "$tmp/ph.csv" --quotas "$tmp/qh.csv" --size 2 --households street,nowhere
has err "the pool has no column 'nowhere' (named by --households)"
# every method draws, each into its own directory
for m in maximin nash legacy; do
  expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --method $m --out "$tmp/$m" --json
  json "d['method'], d['quotas_met'], abs(sum(float(l.split(',')[1]) for l in open('$tmp/$m/probabilities.csv').read().split()[1:]) - 20) < 1e-6" "('$m', True, True)"
done
json "d['min_probability'] < 0.1" "True"   # legacy, the last: below LEXIMIN's 10 %
# outputs keep the pool's columns, with the row number as id when it has none; alternates name whom they replace
has_file() { if head -1 "$1" | grep -q "$2"; then ok; else ko "$1 starts without $2"; fi; }
has_file "$tmp/a/panel.csv" "^id,gender,leaning$"
has_file "$tmp/a/alternates.csv" "^rank,replaces,id,gender,leaning$"
json "d['inputs_hash'][:7], len(d['inputs_hash'])" "('sha256:', 71)"
# a pool written by a French spreadsheet (';'): every output keeps its separator, and
# an id holding one is quoted
printf 'nom;genre;ville\nAna;femme;Lyon\n"Bob; fils";homme;Paris\nCyd;femme;Nantes\nDan;homme;Lille\n' > "$tmp/psemi.csv"
printf 'category,feature,min,max\ngenre,femme,1,1\ngenre,homme,1,1\n' > "$tmp/qsemi.csv"
expect_rc 0 sortition draw --pool "$tmp/psemi.csv" --quotas "$tmp/qsemi.csv" --size 2 --id nom --out "$tmp/semi" --json
has_file "$tmp/semi/panel.csv" "^nom;genre;ville$"
has_file "$tmp/semi/alternates.csv" "^rank;replaces;nom;genre;ville$"
has_file "$tmp/semi/probabilities.csv" "^id;probability$"
has_file "$tmp/semi/panels.csv" "^ticket_from;ticket_to;probability;members$"
if grep -q '^"Bob; fils";0.5' "$tmp/semi/probabilities.csv"; then ok; else ko "the id holding ';' is not quoted in probabilities.csv"; fi
printf 'id,gender\n1,female\n1,male\n' > "$tmp/dup.csv"
expect_rc 1 sortition check --pool "$tmp/dup.csv" --quotas "$tmp/q.csv" --size 1
has err "id '1' appears twice [duplicate-id]"
printf 'id,age\n1,young\n' > "$tmp/nocat.csv"
expect_rc 1 sortition check --pool "$tmp/nocat.csv" --quotas "$tmp/q.csv" --size 1
has err "the pool has no column 'gender', a category of the quotas"
printf 'id,gender\n1,female\n2,Male \n3,other\n' > "$tmp/odd.csv"
expect_rc 1 sortition check --pool "$tmp/odd.csv" --quotas "$tmp/q.csv" --size 1
has err "odd.csv:4: error: field 'gender': 'other' is not a feature of 'gender' in the quotas [unknown-feature]"
printf 'category,feature,min,max\ngender,female,0,1\ngender,male,0,1\ngender,other,0,1\n' > "$tmp/q3.csv"
expect_rc 0 sortition check --pool "$tmp/p.csv" --quotas "$tmp/q3.csv" --size 2
has err "warning: field 'gender': no volunteer has gender/other"
printf 'category,feature,min,max\ngender,female,3,1\n' > "$tmp/qbad.csv"
expect_rc 1 sortition check --pool "$tmp/p.csv" --quotas "$tmp/qbad.csv" --size 1
has err "gender/female: min 3 is above max 1"

# Issue 14: no clock in the engine. The same files, options and seed give byte-identical
# outputs — every file written and the JSON printed — whatever else the machine is doing.
same_dirs() { if diff -r "$1" "$2" >/dev/null; then ok; else ko "$3: $(diff -r "$1" "$2" | head -5)"; fi; }
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/r1" --json
cp "$tmp/out" "$tmp/r1.json"
json "d['optimum_proven'], d['stopped_by'], d['timed_out'], d['panel_search_budget']" "(True, None, False, 20000)"
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/r2" --json
same_dirs "$tmp/r1" "$tmp/r2" "the same draw twice wrote different files"
if cmp -s "$tmp/out" "$tmp/r1.json"; then ok; else ko "the same draw twice printed different JSON"; fi
# a time limit far away changes nothing: the clock only ever stops a search
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/r3" --time-limit 3600
same_dirs "$tmp/r1" "$tmp/r3" "a distant --time-limit changed the outputs"
# by column generation too, and NASH (its own loops, its own budgets)
for m in "--column-generation" "--method nash"; do
  expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 $m --out "$tmp/m1"
  expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 $m --out "$tmp/m2"
  same_dirs "$tmp/m1" "$tmp/m2" "the same draw twice ($m) wrote different files"
done
# A tiny budget (one panel search) stops the search early: not an error, not a silent
# answer, but a valid draw flagged as not proven optimal, the same on every run.
for m in "--column-generation" "--method nash" ""; do
  expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 $m --budget 1 --out "$tmp/b1" --json
  json "d['optimum_proven'], d['stopped_by'], d['timed_out'], d['quotas_met'], d['panel_searches'] <= 1, d['panel_search_budget']" \
       "(False, 'budget of panel searches used up', False, True, True, 1)"
  has err "budget of panel searches used up: the distribution is the best found, not proven the"
  python3 - "$tmp/b1/probabilities.csv" <<'PY' && ok || ko "a stopped search's probabilities do not sum to 20 ($m)"
import sys
p = [float(l.split(",")[1]) for l in open(sys.argv[1]).read().split("\n")[1:] if l]
sys.exit(0 if abs(sum(p) - 20) < 1e-6 and len(p) == 200 else 1)
PY
  expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 $m --budget 1 --out "$tmp/b2"
  same_dirs "$tmp/b1" "$tmp/b2" "the same budget twice ($m) wrote different files"
done
expect_rc 2 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --budget 0
has err "--budget takes a whole number >= 1, not '0'"
expect_rc 0 sortition --help; has out "--budget N"

summary "cli sortition"
