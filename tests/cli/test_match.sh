#!/usr/bin/env bash
# `urne match run|check` (issue 20): outputs and their contents, the checker on
# the run's own result and on hand-broken ones, the same seed replaying, rows in
# another order changing nothing, and bad input files, each with its FILE:LINE
# message and exit 1 and nothing written.
set -u
. "$(dirname "$0")/lib.sh" "$@"

expect_rc 0 match --help;   has out "urne match run"
expect_rc 2 match;          has err "Usage: urne match"
expect_rc 2 match place;    has err "unknown subcommand place (run, check)"
expect_rc 2 match run --pupils p --hosts h --out o --method best; has err "--method is da, ttc or serial, not best"
expect_rc 2 match run --pupils p --hosts h --out o --seed -3;      has err "--seed is a whole number"
expect_rc 2 match run --pupils p --hosts h --out o --method ttc --tie-break multiple; has err "applies to da only"

# A small case worked by hand: A one place, B one place held for priority pupils,
# offered weeks w1 and w2, C two places.
cat >"$tmp/hosts.csv" <<'CSV'
id,capacity,reserved,weeks,name
A,1,,,Alpha
B,1,1,w1|w2,Beta
C,2,,,"Gamma, la"
CSV
cat >"$tmp/pupils.csv" <<'CSV'
id;wishes;priority;lottery;week
p1;A>B>C;0;1;w1
p2;A>B;1;2;w2
p3;B>A>C;0;3;w3
p4;A;2;4;
CSV
expect_rc 0 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --out "$tmp/o1" --seed 5
has out "4 of 4 pupils placed (seed 5)"
# p4 (priority 2) takes A; p2 (priority 1) B's reserved place; p1 and p3 C.
if diff <(cut -d, -f1-3 "$tmp/o1/assignment.csv") - >/dev/null <<'CSV'
pupil,host,wish
p1,C,3
p2,B,2
p3,C,3
p4,A,1
CSV
then ok; else ko "assignment: $(cat "$tmp/o1/assignment.csv")"; fi
grep -q '^p3,1,B,week-not-offered,' "$tmp/o1/explanations.csv" && ok || ko "p3's week at B not explained"
grep -q '^p1,1,A,full,p4,2,4,0,1,"A was full: its last pupil admitted had priority 2 and lottery number 4' \
  "$tmp/o1/explanations.csv" && ok || ko "p1's cutoff at A: $(grep ^p1 "$tmp/o1/explanations.csv")"
grep -q '^C,p1,3,0,1$' "$tmp/o1/host_lists.csv" && ok || ko "C's list"
python3 - "$tmp/o1/report.json" <<'PY' && ok || ko "report.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["placed"] == 4 and r["unplaced"] == 0 and r["rank_distribution"] == [1, 1, 2], r
assert r["priority_pupils"] == {"pupils": 2, "placed": 2, "first_wish": 1}, r
assert r["lottery"] == "given" and r["seed"] == 5 and len(r["inputs_sha256"]) == 64, r
PY
expect_rc 0 match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --assignment "$tmp/o1/assignment.csv"
has out "no blocking pair, the pupil-optimal stable result"
# broken by hand: p1 moved from C to nowhere (C keeps a free place p1 wants)
sed 's/^p1,C,3/p1,,/' "$tmp/o1/assignment.csv" >"$tmp/broken.csv"
expect_rc 1 match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --assignment "$tmp/broken.csv"
has err "pupil p1 and host C would both rather have each other (a blocking pair)"
# two pupils in A's one place
sed 's/^p1,C,3/p1,A,1/' "$tmp/o1/assignment.csv" >"$tmp/over.csv"
expect_rc 1 match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --assignment "$tmp/over.csv"
has err "host A: 2 pupils for 1 places"
sed 's/^p4,A,1/p4,C,/' "$tmp/o1/assignment.csv" >"$tmp/unwished.csv"
expect_rc 1 match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --assignment "$tmp/unwished.csv"
has err "pupil p4: placed at C, which they did not wish"
LANG=fr_FR.UTF-8 LC_ALL= LANGUAGE= "$urne" match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" \
  --assignment "$tmp/broken.csv" 2>"$tmp/err" >/dev/null
grep -q "l’élève p1 et la structure C se préféreraient l’un l’autre" "$tmp/err" && ok || ko "French: $(cat "$tmp/err")"

# A generated département: the same seed replays; rows shuffled change nothing;
# the checker accepts each mechanism's own result.
python3 "$src/bench/gen_match.py" 3000 300 8 11 "$tmp/g" || ko "generator"
for m in da ttc serial; do
  expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --method $m --seed 42 --out "$tmp/g/$m"
  expect_rc 0 match check --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --method $m --assignment "$tmp/g/$m/assignment.csv"
done
expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --seed 42 --out "$tmp/g/again"
cmp -s "$tmp/g/da/assignment.csv" "$tmp/g/again/assignment.csv" && ok || ko "the same seed gave another assignment"
(head -1 "$tmp/g/pupils.csv"; tail -n +2 "$tmp/g/pupils.csv" | shuf --random-source=<(yes)) >"$tmp/g/pupils2.csv"
(head -1 "$tmp/g/hosts.csv"; tail -n +2 "$tmp/g/hosts.csv" | shuf --random-source=<(yes 2)) >"$tmp/g/hosts2.csv"
cmp -s "$tmp/g/pupils.csv" "$tmp/g/pupils2.csv" && ko "the shuffle did not shuffle"
for m in da ttc; do
  expect_rc 0 match run --pupils "$tmp/g/pupils2.csv" --hosts "$tmp/g/hosts2.csv" --method $m --seed 42 --out "$tmp/g/${m}2"
  if diff <(sort "$tmp/g/$m/assignment.csv") <(sort "$tmp/g/${m}2/assignment.csv") >/dev/null; then ok
  else ko "$m: shuffled rows changed the assignment"; fi
done
expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --seed 43 --out "$tmp/g/other"
cmp -s "$tmp/g/da/assignment.csv" "$tmp/g/other/assignment.csv" && ko "another seed gave the same lottery" || ok
expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --tie-break multiple --seed 42 --out "$tmp/g/mtb"
expect_rc 0 match check --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --assignment "$tmp/g/mtb/assignment.csv" \
  --tie-break multiple --seed 42
# multiple tie-breaking read as single: the checker sees the pairs that block then
expect_rc 1 match check --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --assignment "$tmp/g/mtb/assignment.csv"
has err "(a blocking pair)"
# without the lottery column and without the seed, the checker cannot know the order
cut -d, -f1-3 "$tmp/g/da/assignment.csv" >"$tmp/g/nolot.csv"
expect_rc 1 match check --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --assignment "$tmp/g/nolot.csv"
has err "give the run's --seed"
expect_rc 0 match check --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --assignment "$tmp/g/nolot.csv" --seed 42
# the seed drawn when none is given is reported and replays
expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --out "$tmp/g/drawn" --json
seed=$(python3 -c "import json; print(json.load(open('$tmp/g/drawn/report.json'))['seed'])")
expect_rc 0 match run --pupils "$tmp/g/pupils.csv" --hosts "$tmp/g/hosts.csv" --out "$tmp/g/redrawn" --seed "$seed"
cmp -s "$tmp/g/drawn/assignment.csv" "$tmp/g/redrawn/assignment.csv" && ok || ko "the reported seed does not replay"

# Host rankings replace the common order at their host.
printf 'host,pupil,rank\nA,p1,1\nA,p4,2\n' >"$tmp/rank.csv"
expect_rc 0 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --host-rankings "$tmp/rank.csv" --seed 1 --out "$tmp/o2"
grep -q '^p1,A,1' "$tmp/o2/assignment.csv" && ok || ko "A's ranking not followed: $(cat "$tmp/o2/assignment.csv")"
grep -q '^p2,1,A,not-ranked-by-host' "$tmp/o2/explanations.csv" && ok || ko "p2 not ranked by A not explained"

# A later round: p2 refuses B; p1 and p4 keep theirs; p5 joins late. B goes to the
# next in line among those taking part (p5, the only one asking); p2 is not placed.
(cat "$tmp/pupils.csv"; echo 'p5;B>C;0;5;w1') >"$tmp/pupils_late.csv"
printf 'pupil\np2\n' >"$tmp/refused.csv"
expect_rc 0 match run --pupils "$tmp/pupils_late.csv" --hosts "$tmp/hosts.csv" --keep "$tmp/o1/assignment.csv" \
  --refused "$tmp/refused.csv" --seed 5 --out "$tmp/r2"
if diff <(cut -d, -f1-2 "$tmp/r2/assignment.csv") - >/dev/null <<'CSV'
pupil,host
p1,C
p2,
p3,C
p4,A
p5,B
CSV
then ok; else ko "second round: $(cat "$tmp/r2/assignment.csv")"; fi
python3 -c "import json,sys; r=json.load(open('$tmp/r2/report.json'))['round']; sys.exit(r != {'later': True, 'kept': 3, 'refused': 1})" \
  && ok || ko "report's round: $(cat "$tmp/r2/report.json")"
expect_rc 0 match check --pupils "$tmp/pupils_late.csv" --hosts "$tmp/hosts.csv" --keep "$tmp/o1/assignment.csv" \
  --refused "$tmp/refused.csv" --assignment "$tmp/r2/assignment.csv"
sed 's/^p4,A,1/p4,,/' "$tmp/r2/assignment.csv" >"$tmp/r2bad.csv"
expect_rc 1 match check --pupils "$tmp/pupils_late.csv" --hosts "$tmp/hosts.csv" --keep "$tmp/o1/assignment.csv" \
  --refused "$tmp/refused.csv" --assignment "$tmp/r2bad.csv"
has err "pupil p4: kept their place from an earlier round, but is placed elsewhere"
# kept places that do not fit the hosts are refused before anything runs
printf 'pupil,host\np1,A\np4,A\n' >"$tmp/keep_over.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --keep "$tmp/keep_over.csv" --out "$tmp/bad"
has err "the places kept from"; has err "host A: 2 pupils for 1 places"
printf 'pupil\np9\n' >"$tmp/refused_bad.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --refused "$tmp/refused_bad.csv" --out "$tmp/bad"
has err "refused_bad.csv:2: error: field 'pupil': no pupil p9 in the pupils file"

# Ids that share their first bytes, short and long, are told apart.
printf 'id,capacity\nSTRUCTURE-1,1\nSTRUCTURE-2,1\nAB,1\nABC,1\nSTRUCTUR,1\n' >"$tmp/hl.csv"
printf 'id,wishes\nx,STRUCTURE-2\ny,ABC>AB\nz,AB\nw,STRUCTUR>STRUCTURE-1\nv,STRUCTURE-1\n' >"$tmp/pl.csv"
expect_rc 0 match run --pupils "$tmp/pl.csv" --hosts "$tmp/hl.csv" --seed 1 --out "$tmp/ol"
if diff <(cut -d, -f1-3 "$tmp/ol/assignment.csv") - >/dev/null <<'CSV'
pupil,host,wish
x,STRUCTURE-2,1
y,ABC,1
z,AB,1
w,STRUCTUR,1
v,STRUCTURE-1,1
CSV
then ok; else ko "ids sharing a prefix: $(cat "$tmp/ol/assignment.csv")"; fi

# A maximum distance: p1 (Lyon) may not go to A (Villeurbanne, 35 km) nor to C
# (Bron, a distance the table does not know); with 40 km A is near enough.
cat >"$tmp/hd.csv" <<'CSV'
id,capacity,commune
A,1,Villeurbanne
B,1,Lyon
C,1,Bron
CSV
printf 'id,wishes,commune\np1,A>C>B,Lyon\np2,C>B,\n' >"$tmp/pd.csv"
printf 'commune_a;commune_b;km\nVilleurbanne;Lyon;35\n' >"$tmp/dist.csv"
expect_rc 0 match run --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/dist.csv" --max-km 30 --seed 1 --out "$tmp/o3"
grep -q '^p1,B,3' "$tmp/o3/assignment.csv" && ok || ko "distance: $(cat "$tmp/o3/assignment.csv")"
grep -q '^p2,C,1' "$tmp/o3/assignment.csv" && ok || ko "a pupil without a commune is not held to the distance"
grep -q '^p1,1,A,too-far,' "$tmp/o3/explanations.csv" && ok || ko "too far not explained"
grep -q '^p1,2,C,too-far,' "$tmp/o3/explanations.csv" && ok || ko "an unknown distance is too far"
expect_rc 0 match check --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/dist.csv" --max-km 30 \
  --assignment "$tmp/o3/assignment.csv"
printf 'pupil,host,lottery\np1,A,1\np2,B,2\n' >"$tmp/far.csv"
expect_rc 1 match check --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/dist.csv" --max-km 30 \
  --assignment "$tmp/far.csv"
has err "pupil p1: placed at A, which does not take them"
expect_rc 0 match run --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/dist.csv" --max-km 40 --seed 1 --out "$tmp/o4"
grep -q '^p1,A,1' "$tmp/o4/assignment.csv" && ok || ko "40 km: $(cat "$tmp/o4/assignment.csv")"
expect_rc 2 match run --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/dist.csv" --out "$tmp/bad"
has err "--distances and --max-km go together"
expect_rc 2 match run --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --max-km far --out "$tmp/bad"; has err "--max-km is a whole number"
printf 'commune_a,commune_b,km\nLyon,Villeurbanne,35\nVilleurbanne,Lyon,36\n,Bron,3\nLyon,Bron,-2\n' >"$tmp/bd.csv"
expect_rc 1 match run --pupils "$tmp/pd.csv" --hosts "$tmp/hd.csv" --distances "$tmp/bd.csv" --max-km 30 --out "$tmp/bad"
has err "bd.csv:3: error: field 'commune_b': the distance between Villeurbanne and Lyon is already given at line 2"
has err "bd.csv:4: error: field 'commune_a': a commune is missing"
has err "bd.csv:5: error: field 'km': km is -2"

# Bad input: each fault named with its file and line, exit 1, nothing written.
printf 'id,capacity,reserved\nA,-1,\nB,1,2\nC,1,\nC,2,\n,3,\n' >"$tmp/bh.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/bh.csv" --out "$tmp/bad"
has err "bh.csv:2: error: field 'capacity': capacity is -1; it must be from 0 to 1000000000 [out-of-range]"
has err "bh.csv:3: error: field 'reserved': 2 places reserved, but the host has 1 [reserved-le-capacity]"
has err "bh.csv:5: error: field 'id': host C is already at line 4 [duplicate-host]"
has err "bh.csv:6: error: field 'id': the host has no id [id-empty]"
printf 'id,wishes,priority\np1,A>Z>A,0\np2,A,1\np3,A>>B,x\np2,B,2090\np5,C,5000000000\n' >"$tmp/bp.csv"
expect_rc 1 match run --pupils "$tmp/bp.csv" --hosts "$tmp/hosts.csv" --out "$tmp/bad"
has err "bp.csv:2: error: field 'wishes': no host Z in the hosts file [unknown-host]"
has err "bp.csv:2: error: field 'wishes': host A is wished twice [repeated-wish]"
has err "bp.csv:5: error: field 'id': pupil p2 is already at line 3 [duplicate-pupil]"
has err "bp.csv:4: error: field 'wishes': an empty wish between two '>' [wish-empty]"
has err "bp.csv:4: error: field 'priority': priority 'x' is not a whole number"
has err "bp.csv:6: error: field 'priority': priority is 5000000000"
printf 'id,wishes,lottery\np1,A,1\np2,B,\n' >"$tmp/bl.csv"
expect_rc 1 match run --pupils "$tmp/bl.csv" --hosts "$tmp/hosts.csv" --out "$tmp/bad"
has err "1 of 2 pupils have a lottery number; give one to every pupil, or none"
(printf 'id,capacity\n'; printf 'H%0201d,1\n' 0) >"$tmp/longid.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/longid.csv" --out "$tmp/bad"
has err "longid.csv:2: error: field 'id': the id has 202 bytes; at most 200 [id-too-long]"
printf 'id,capacity\n' >"$tmp/nohost.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/nohost.csv" --out "$tmp/bad"; has err "no host after the header line"
: >"$tmp/empty.csv"
expect_rc 1 match run --pupils "$tmp/empty.csv" --hosts "$tmp/hosts.csv" --out "$tmp/bad"; has err "empty.csv"
printf 'name,wishes\nx,A\n' >"$tmp/noid.csv"
expect_rc 1 match run --pupils "$tmp/noid.csv" --hosts "$tmp/hosts.csv" --out "$tmp/bad"; has err "the header has no column 'id'"
printf 'host,pupil,rank\nA,p9,1\nZ,p1,2\nA,p1,x\nB,p2,1\nB,p2,2\n' >"$tmp/br.csv"
expect_rc 1 match run --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --host-rankings "$tmp/br.csv" --out "$tmp/bad"
has err "br.csv:2: error: field 'pupil': no pupil p9 in the pupils file"
has err "br.csv:3: error: field 'host': no host Z in the hosts file"
has err "br.csv:4: error: field 'rank': rank 'x' is not a whole number"
has err "br.csv:6: error: field 'pupil': host B already ranks pupil p2 (line 5)"
expect_rc 1 match run --pupils "$tmp/missing.csv" --hosts "$tmp/hosts.csv" --out "$tmp/bad"; has err "missing.csv"
[ -e "$tmp/bad" ] && ko "a refused run wrote $tmp/bad" || ok
printf 'pupil,host\np1,A\np1,B\np9,A\np2,Q\n' >"$tmp/ba.csv"
expect_rc 1 match check --pupils "$tmp/pupils.csv" --hosts "$tmp/hosts.csv" --assignment "$tmp/ba.csv"
has err "ba.csv:3: error: field 'pupil': pupil p1 is placed twice"
has err "ba.csv:4: error: field 'pupil': no pupil p9 in the pupils file"
has err "ba.csv:5: error: field 'host': no host Q in the hosts file"

summary cli.match
