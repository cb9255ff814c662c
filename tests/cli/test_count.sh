#!/usr/bin/env bash
# `urne count` as a user runs it: help, usage errors, every method on real files,
# JSON reports, replayable lots.
set -u
. "$(dirname "$0")/lib.sh" "$@"

expect_rc 0 count --help;                 has out "ranked-pairs"
expect_rc 2 count x;                      has err "--method is required"
expect_rc 2 count --method nope x;        has err "unknown method 'nope'"
expect_rc 2 count --method stv --rule irish x; has err "unknown STV rule 'irish' (scottish, meek, wigm)"
expect_rc 2 count --method irv --rule scottish x; has err "--rule applies to stv only"
expect_rc 2 count --method irv --seats 0 x; has err "--seats takes a whole number >= 1"
expect_rc 2 count --method irv --format xls x; has err "unknown format 'xls'"
expect_rc 1 count --method irv /nonexistent; has err "cannot open"

g=$data/glasgow2007_stv_blt
expect_rc 0 count --method stv --rule scottish "$g/Anderston-City-2007.blt"
has out "quota 1381.00000"
has out "Surplus of Craig MacKay (251.00000) transferred at 0.15379 of each paper's value."
has out "Winners: Craig MacKay, Philip Braat, Nina Baker, Gordon Matheson"
expect_rc 0 count --method stv "$g/Anderston-City-2007.blt" --json
json "d['quota'], d['seats'], d['ballots'], len(d['rounds'])" "('1381.00000', 4, 6900, 8)"
json "d['rounds'][1]['votes']['Nina Baker'], d['rounds'][1]['nontransferable']" "('927.98248', '73.20404')"
json "sorted(d['winners'])" "['Craig MacKay', 'Gordon Matheson', 'Nina Baker', 'Philip Braat']"

expect_rc 0 count --method stv --rule meek "$data/tideman_ers_hil/A1.HIL" --json
json "sorted(d['winners']), d['rule'], d['quota'][-10:-9]" "(['Candidate  1', 'Candidate  8', 'Candidate  9'], 'meek', '.')"
expect_rc 0 count --method stv --rule wigm "$g/Anderston-City-2007.blt" --json
json "d['rule'], d['quota']" "('wigm', '1381.000000000')"

d=$data/debian_dpl_tallies
expect_rc 0 count --method schulze "$d/leader2007_tally.txt" --json
json "d['winners'], d['condorcet_winner'] is None or d['condorcet_winner'] == d['winners'][0]" "(['Sam Hocevar'], True)"
json "len(d['pairwise']), len(d['strongest_paths'])" "(9, 9)"
for m in ranked-pairs copeland minimax; do
  expect_rc 0 count --method $m "$d/leader2020_tally.txt" --json
  json "d['winners']" "['Jonathan Carter']"
done

b=$data/preflib/00005-burlington/00005-00000002.toi
expect_rc 0 count --method irv "$b" --json
json "d['winners'], d['rounds'][-1]['state']['Bob Kiss']" "(['Bob Kiss'], 'elected')"
expect_rc 0 count --method plurality "$b" --json;  json "d['winners'], d['rounds'][0]['votes']['Kurt Wright'], d['rounds'][0]['votes']['Bob Kiss']" "(['Kurt Wright'], '2951', '2585')"
expect_rc 0 count --method two-round "$b" --json;  json "d['winners']" "['Bob Kiss']"
expect_rc 0 count --method borda "$b" --json;      json "d['winners']" "['Andy Montroll']"

# The French 2002 approval experiment (6 polling stations, 2,597 voters): urne's approvals
# against an independent reading of the .cat files (category 1 = Yes).
total=0
for f in "$data"/preflib/00026-frenchapproval/*.cat; do
  expect_rc 0 count --method approval "$f" --json
  got=$(python3 - "$f" "$tmp/out" <<'PY'
import json, re, sys
names, approvals, voters = {}, {}, 0
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"# ALTERNATIVE NAME (\d+): (.*)", line)
    if m:
        names[int(m.group(1))] = m.group(2).strip()
    elif line[0].isdigit():
        count, rest = line.split(":", 1)
        voters += int(count)
        rest = rest.strip()
        first = rest[1:rest.index("}")] if rest.startswith("{") else rest.split(",")[0]
        for c in filter(None, first.split(",")):
            approvals[names[int(c)]] = approvals.get(names[int(c)], 0) + int(count)
d = json.load(open(sys.argv[2]))
mine = {k: int(v) for k, v in d["rounds"][0]["votes"].items() if int(v)}
print("same" if mine == approvals and d["ballots"] == voters else f"differ {mine} {approvals}", voters)
PY
)
  case "$got" in same*) ok; total=$((total + ${got#same })) ;; *) ko "$f: $got" ;; esac
done
if [ "$total" -eq 2597 ]; then ok; else ko "French approval voters: $total, expected 2597"; fi

# Seats for lists from a hand-written file.
printf '# title: Conseil municipal\n520: Liste A\n300: Liste B\n140: Liste C\n40: Liste D\n' > "$tmp/lists.txt"
expect_rc 0 count --method municipal --seats 29 "$tmp/lists.txt" --json
json "d['seats_won']" "{'Liste A': 23, 'Liste B': 4, 'Liste C': 2, 'Liste D': 0}"
expect_rc 0 count --method municipal --seats 29 "$tmp/lists.txt"
has out "Seats: Liste A 23, Liste B 4, Liste C 2"
expect_rc 0 count --method dhondt --seats 8 --threshold 10 "$tmp/lists.txt" --json
json "d['seats_won']['Liste D'], d['seats_won']['Liste A']" "(0, 5)"
expect_rc 2 count --method dhondt "$tmp/lists.txt";           has err "needs --seats N"
expect_rc 2 count --method hare --seats 3 --threshold 150 x;  has err "--threshold takes a percentage"
printf '450: A\n350: B\n200: C\n' > "$tmp/l2.txt"
expect_rc 1 count --method municipal --seats 15 "$tmp/l2.txt"; has err "a second round is needed"
expect_rc 0 count --method municipal --seats 15 --round 2 "$tmp/l2.txt" --json
json "d['seats_won']" "{'A': 11, 'B': 3, 'C': 1}"

# Majority judgment and approval from CSV.
expect_rc 0 count --method mj "$src/examples/budget-mj.csv" --json
json "d['winners'], d['rounds'][0]['votes']" "(['Piste cyclable'], {'Jardin partagé': 'Passable', 'Piste cyclable': 'Bien', 'Ludothèque': 'Bien'})"
expect_rc 0 count --method mj "$src/examples/budget-mj.csv"
has out "Piste cyclable Bien"
has out "Ranking: Piste cyclable > Ludothèque > Jardin partagé"
printf 'count,A,B,C\n5,1,x,0\n3,,oui,yes\n' > "$tmp/appr.csv"
expect_rc 0 count --method approval "$tmp/appr.csv" --json
json "d['winners'], d['rounds'][0]['votes']" "(['B'], {'A': '5', 'B': '8', 'C': '3'})"
expect_rc 1 count --method approval "$src/examples/budget-mj.csv"; has err "this file holds grades: count it with --method mj"
expect_rc 1 count --method mj "$tmp/appr.csv";                     has err "no '# grades:"

# STV on a hand-written file; a ballot with equal ranks is refused by the Scottish rules.
expect_rc 0 count --method stv "$src/examples/board-stv.txt" --json
json "d['seats'], d['quota'], len(d['winners'])" "(3, '12.00000', 3)"
printf '# seats: 1\n3: A = B > C\n2: C\n' > "$tmp/tied.txt"
expect_rc 1 count --method stv "$tmp/tied.txt"; has err "Scottish STV counts strict rankings only"

# Colleges: the cooperative's resolution from ballots, each college weighing its share.
expect_rc 0 count --method plurality "$src/examples/coop-resolution.txt" --json
json "d['ballots'], d['weighted_total'], d['winners'], d['rounds'][0]['votes']['Pour']" "(185, 2814000, ['Pour'], '1821150')"
expect_rc 0 count --method plurality "$src/examples/coop-resolution.txt"
has out "185 ballots weighted by college (2814000 weight units)"

# Lots replay from the seed, and are reported.
printf '2 1\n3 1 0\n3 2 0\n0\n"A"\n"B"\n"tie"\n' > "$tmp/tie.blt"
expect_rc 0 count --method plurality --seed 7 "$tmp/tie.blt" --json
cp "$tmp/out" "$tmp/first.json"
json "d['tiebreak'] is not None and 'by lot' in d['tiebreak']" "True"
expect_rc 0 count --method plurality --seed 7 "$tmp/tie.blt" --json
if cmp -s "$tmp/out" "$tmp/first.json"; then ok; else ko "the same seed gave another count"; fi

# Several methods from one reading: each report what its single run prints, in the
# order asked; a JSON array with --json; usage errors for a bad list; nothing printed
# when one method rejects the ballots.
l=$d/leader2007_tally.txt
: > "$tmp/singles"
for m in schulze irv borda; do
  [ -s "$tmp/singles" ] && echo >> "$tmp/singles"
  "$urne" count --method $m "$l" >> "$tmp/singles"
done
expect_rc 0 count --method schulze,irv,borda "$l"
if cmp -s "$tmp/out" "$tmp/singles"; then ok; else ko "--method schulze,irv,borda differs from the three single runs"; fi
"$urne" count --method irv --json "$l" > "$tmp/irv.json"
expect_rc 0 count --method schulze,irv,borda --json "$l"
json "[r['method'] for r in d]" "['schulze', 'irv', 'borda']"
json "d[1] == json.load(open('$tmp/irv.json'))" "True"
expect_rc 0 count --method irv,stv --rule meek --seats 2 "$data/tideman_ers_hil/A1.HIL" --json
json "[r['method'] for r in d], d[1]['rule'], len(d[1]['winners'])" "(['irv', 'stv'], 'meek', 2)"
expect_rc 2 count --method schulze,schulze "$l"; has err "method 'schulze' is named twice"
expect_rc 2 count --method schulze,,irv "$l";   has err "method names separated by commas"
expect_rc 2 count --method schulze,mj "$l";     has err "mj reads grades, not rankings"
expect_rc 2 count --method irv,nope "$l";       has err "unknown method 'nope'"
expect_rc 2 count --method irv,dhondt "$l";     has err "--method dhondt needs --seats N"
expect_rc 1 count --method plurality,stv "$tmp/tied.txt"; has err "Scottish STV counts strict rankings only"
if [ -s "$tmp/out" ]; then ko "a list with a rejected method printed a report"; else ok; fi

summary "cli count"
