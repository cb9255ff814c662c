#!/usr/bin/env bash
# `urne sortition` as organisers run it: the paper's instances, a replay from the same
# seed, and the mistakes the issue names, each with its message.
set -u
urne=$(realpath "$1")
src=$2
data=$src/../shared/data/sortition
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

expect_rc 0 sortition --help;         has out "--quotas FILE"
expect_rc 2 sortition;                has err "Usage: urne sortition"
expect_rc 2 sortition draw --pool x;  has err "--pool, --quotas and --size are required"
expect_rc 2 sortition draw --pool x --quotas y --size 5 --method legacy; has err "method 'legacy' is not implemented yet"
expect_rc 2 sortition draw --pool x --quotas y --size 5 --households address; has err "--households is not implemented yet"

s=$data/example_small_20
expect_rc 0 sortition check --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20
has out "200 volunteers in"
expect_rc 0 sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/a" --json
json "d['min_probability'] >= 0.1 - 1e-6, d['size'], d['pool'], d['seed'], d['quotas_met']" "(True, 20, 200, '4271', True)"
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

summary "cli sortition"
