#!/usr/bin/env bash
# `urne initiative rules|tally`: the presets resolved at real electorates, an ECI at its
# edges (a state one signature short), the territories' rule, the French wording, and
# bad rules and counts files, each with its message.
set -u
. "$(dirname "$0")/lib.sh" "$@"

expect_rc 0 initiative --help;  has out "urne initiative tally"
expect_rc 2 initiative;         has err "Usage: urne initiative"
expect_rc 2 initiative vote;    has err "unknown subcommand 'vote' (rules, tally, keygen, create, import-roll, export, recount, receipt)"
expect_rc 2 initiative rules;   has err "give either --preset or --rules"
expect_rc 2 initiative rules --preset referendum; has err "unknown preset 'referendum'"
expect_rc 2 initiative rules --preset rip --electorate many; has err "--electorate needs a whole number, not 'many'"
expect_rc 2 initiative tally --preset rip; has err "--counts FILE.csv is required"

# 1 % of the 47,582,183 registered in 2017 (the 1st round's inscrits, shared/data's README):
# 475,821.83 rounded up, as a law reads it.
expect_rc 0 initiative rules --preset 49-3-citoyen --electorate 47582183
has out "National threshold: 1%"; has out "with 47,582,183 electors: 475,822 signatures"
has out "Stops when the threshold is reached: yes"
# The RIP: a tenth, 9 months from 13 June 2019 (the ADP referendum's collection).
expect_rc 0 initiative rules --preset rip --electorate 47173955 --opens 2019-06-13
has out "4,717,396 signatures"; has out "from 2019-06-13T00:00:00Z until 2020-03-13T00:00:00Z"
has out "Supporters: public"
expect_rc 0 initiative rules --preset eci
has out "Minimum per territory: 720 per seat"; has out "Territories that must reach their minimum: 7"
has out "National threshold: 1,000,000"; has out "Collection window: 12 months"
# In French, every word French (no English "none"), a no-break space before % and :
LANG=fr_FR.UTF-8 expect_rc 0 initiative rules --preset rip
has out "Seuil national : 10 %"; has out "Minimum par territoire : aucun"
has out "Territoires devant atteindre leur minimum : aucun"; has out "Période de collecte : 9 mois"
LANG=fr_FR.UTF-8 expect_rc 0 initiative rules --preset eci
has out "Seuil national : 1 000 000"; has out "Minimum par territoire : 720 par siège"
expect_rc 0 initiative rules --preset local-petition --electorate 1003; has out "1,003 electors: 201 signatures"
expect_rc 2 initiative rules --preset rip --opens 2019-13-01; has err "--opens needs a date"

# An ECI: seven states exactly at their minimum (MEPs x 720), one a signature short, a
# million in all.
cat >"$tmp/eci.csv" <<'CSV'
territory,electorate,signatures,seats
DE,60000000,69120,96
FR,48000000,58320,81
IT,46000000,43920,61
ES,35000000,38160,53
PL,29000000,22320,31
RO,18000000,15120,21
NL,13000000,15119,21
BE,8000000,737921,22
CSV
expect_rc 0 initiative tally --preset eci --counts "$tmp/eci.csv"
has out "Signatures: 1,000,000 of 257,000,000 electors (0.39 %)"
has out "Territories reaching their minimum: 7 of 8 (7 needed), enough"
has out "NL: 15,119 of a minimum of 15,120 (99.99 %), not reached"
has out "The initiative has reached its threshold."
# One more state short: six are not enough, whatever the total.
sed 's/^RO,18000000,15120/RO,18000000,15119/' "$tmp/eci.csv" >"$tmp/eci6.csv"
expect_rc 0 initiative tally --preset eci --counts "$tmp/eci6.csv"
has out "6 of 8 (7 needed), not enough"; has out "The initiative has not reached its threshold."
# In French: digits grouped with a narrow no-break space, a decimal comma, the words.
LANG=fr_FR.UTF-8 expect_rc 0 initiative tally --preset eci --counts "$tmp/eci.csv"
has out "L’initiative a atteint son seuil."; has out "(0,39 %)"; has out "Seuil national : 1 000 000 signatures, atteint"

# Adjusted rules from a file: the ECI's rules, 2,000,000 nationally.
printf 'preset = eci   # the ECI\nnational = 2 000 000\n' >"$tmp/rules.txt"
expect_rc 0 initiative tally --rules "$tmp/rules.txt" --counts "$tmp/eci.csv"
has out "National threshold: 2,000,000 signatures, not reached (50.00 % of it)"
# A territory without its seats, under rules per seat.
printf 'territory;electorate;signatures;seats\nDE;60000000;69120;\n' >"$tmp/noseats.csv"
expect_rc 1 initiative tally --preset eci --counts "$tmp/noseats.csv"
has err "territory DE: its number of seats is needed for its minimum"

# Bad rules: the line, the key, the rule.
printf 'preset = rip\nwindow = 9 weeks\n' >"$tmp/bad1.txt"
expect_rc 1 initiative rules --rules "$tmp/bad1.txt"
has err "bad1.txt:2: error: field 'window': '9 weeks' is not a valid value for window [bad-value]"
printf 'preset = rip\nnational = 150%%\n' >"$tmp/bad2.txt"
expect_rc 1 initiative rules --rules "$tmp/bad2.txt"
has err "field 'national': national must be a share above 0 and at most 100 %, not 150/100 [share-out-of-range]"
LANG=fr_FR.UTF-8 expect_rc 1 initiative rules --rules "$tmp/bad1.txt"
has err "« 9 weeks » n’est pas une valeur valide pour window [bad-value]"

# Bad counts: each line's fault named; more signatures than electors; a territory twice.
printf 'territory,electorate,signatures\nA,10,x\nB,-3,1\n' >"$tmp/bad.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/bad.csv"
has err "bad.csv:2: error: field 'signatures': 'x' is not a whole number"
has err "bad.csv:3: error: field 'electorate': '-3' is negative"
printf 'territory,electorate,signatures\nA,10,11\n' >"$tmp/more.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/more.csv"
has err "territory A: 11 valid signatures exceed its 10 electors"
printf 'territory,electorate,signatures\nA,10,1\nB,10,1\nA,5,1\n' >"$tmp/twice.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/twice.csv"
has err "twice.csv:4: error: field 'territory': territory A is already counted at line 2 [duplicate-territory]"
printf 'territory,voters\nA,10\n' >"$tmp/header.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/header.csv"
has err "the header has no column 'electorate'"
: >"$tmp/empty.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/empty.csv"
has err "the file is empty"
printf 'territory,electorate,signatures\n' >"$tmp/none.csv"
expect_rc 1 initiative tally --preset rip --counts "$tmp/none.csv"
has err "no territory after the header line"

summary "cli initiative"
