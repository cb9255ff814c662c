#!/usr/bin/env bash
# The urne command as a user runs it: help, exit statuses, tables, JSON and CSV on the
# examples and the real files, atomic --output.
set -u
. "$(dirname "$0")/lib.sh" "$@"

# Help and usage.
expect_rc 0 --help;                       has out "results"
expect_rc 2;                              has err "Usage: urne COMMAND"
expect_rc 2 frobnicate;                   has err "unknown command 'frobnicate'"
expect_rc 0 --version;                    has out "urne "
expect_rc 0 results --help;               has out "--blank-recognised"
expect_rc 0 results tally --help;         has out "--compare FILE"
expect_rc 2 results;                      has err "Usage: urne results tally"
expect_rc 2 results tally;                has err "expected one FILE"
expect_rc 2 results tally a b;            has err "expected one FILE, got 2"
expect_rc 2 results tally x --nope;       has err "unknown or incomplete option '--nope'"
expect_rc 2 results tally x --rules nope; has err "unknown rules 'nope'"
expect_rc 2 results tally x --format xls; has err "unknown format 'xls'"
expect_rc 2 results tally x --round 3;    has err "--round takes 1 or 2"
expect_rc 2 results tally x --json --csv; has err "choose --json or --csv"
expect_rc 2 results frob x;               has err "unknown subcommand 'frob'"
expect_rc 1 results tally /nonexistent.csv; has err "/nonexistent.csv: error: cannot open: No such file or directory"
expect_rc 1 results tally "$tmp";         has err "is a directory"

# The official Rhône file.
rhone=$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
expect_rc 0 results tally "$rhone"
has out "Registered        1,155,604"
has out "Emmanuel MACRON            236,137       26.58       20.43"
has out "second round — Emmanuel MACRON, François FILLON"
expect_rc 2 results tally "$rhone" --level canton
has err "has no level 'canton'; its levels are: national, departement, circonscription, commune, bureau"
expect_rc 0 results tally "$rhone" --level national --json
json "d['units'][0]['inscrits'], d['units'][0]['votants'], d['units'][0]['blancs'], d['units'][0]['nuls'], d['units'][0]['exprimes']" \
     "(1155604, 906531, 13460, 4559, 888512)"
json "[(c['name'], c['voix'], c['pct_exprimes']) for c in d['units'][0]['candidates'] if c['name']=='Emmanuel MACRON']" \
     "[('Emmanuel MACRON', 236137, '26.58')]"
json "d['outcomes'][0]['outcome'], d['outcomes'][0]['chosen']" "('second-round', ['Emmanuel MACRON', 'François FILLON'])"
json "d['rules']['preset'], d['level'], d['round']" "('presidential', 'national', 1)"
expect_rc 0 results tally "$rhone" --level commune --json
json "len(d['units']), d['units'][0]['label'], d['units'][0]['code']" "(280, 'Affoux', '001')"
expect_rc 0 results tally "$rhone" --level departement --csv
has out "69;Rhône;1155604;249073;21,55;906531;78,45;13460;1,16;1,48;4559;0,39;0,50;888512;76,89;98,01;1;M;DUPONT-AIGNAN;Nicolas;38429;3,33;4,33"

# Round 2 recognised from the Ministry's file name.
expect_rc 0 results tally "$data/fr_pres2017_2022_rhone69_bureaux/2017-pres-t2-commune-rhone-69-bronze.csv"
has err "counted as round 2, as its name says"
has out "Emmanuel MACRON is elected with 73.59 % of valid votes"
expect_rc 0 results tally "$data/fr_pres2017_2022_rhone69_bureaux/2017-pres-t2-commune-rhone-69-bronze.csv" --round 1
has out "in round 1"

# Legislative: outcomes per circonscription, nuances above, discrepancies reported.
leg=$data/fr_leg2017_t1_circonscriptions
expect_rc 0 results tally "$leg/Legislatives_2017_Resultats_T1_Circonscription.csv" --compare "$leg/Legislatives_2017_Resultats_T1_Departement.csv" --json
json "d['units'][0]['inscrits'], d['units'][0]['blancs'], d['units'][0]['nuls'], d['units'][0]['exprimes']" "(47571221, 354161, 161495, 22654559)"
json "sum(o['outcome']=='elected' for o in d['outcomes']), len(d['outcomes'])" "(4, 577)"
json "[(w['field'], w['rule']) for w in d['warnings']]" "[('blancs', 'stated-total'), ('nuls', 'stated-total')]"
has err "departement 76 (Seine-Maritime)"
has err "states 8533, the sum of its parts is 8532 (difference +1)"
expect_rc 0 results tally "$leg/Legislatives_2017_Resultats_T1_Circonscription.csv" --level circonscription
has out "Aube, 1ère circonscription: second round — Grégory BESSON-MOREAU, Nicolas DHUICQ, Bruno SUBTIL"
has out "In all: 577 contests — 4 elected 573 second round"

# The examples.
expect_rc 0 results tally "$src/examples/primary-round2.csv" --json
json "d['units'][0]['votants'], [c['voix'] for c in d['units'][0]['candidates']], d['units'][0]['blancs']+d['units'][0]['nuls']" "(1473, [611, 842], 20)"
json "d['outcomes'][0]['outcome'], d['outcomes'][0]['chosen'], d['round'], d['rules']['preset']" "('elected', ['Marc PEYRON'], 2, 'primary')"
expect_rc 0 results tally "$src/examples/section-designation.csv" --level section
has out "Yves LE GALL is elected in round 1 with 53.57 % of valid votes"
has out "126"
expect_rc 0 results tally "$src/examples/federation-designation.csv" --json
has err "warning: partial: 5 of 6 sections"
json "d['outcomes'][0]['outcome'], d['units'][0]['state'], d['units'][0]['bureaux']" "('undecided', 'partial', {'expected': 6, 'reported': 5})"
expect_rc 0 results tally "$src/examples/coop-assembly.csv" --json
json "[(r['name'], r['voix'], r['pct']) for r in d['outcomes'][0]['ranking']]" "[('Pour', 133, '64.72'), ('Contre', 52, '35.28')]"
expect_rc 0 results tally "$src/examples/blank-majority.csv" --json
json "d['outcomes'][0]['outcome'], d['rules']['blank_recognised'], d['units'][0]['blank']" "('void', True, {'voix': 208, 'pct_exprimes': '52.93'})"
expect_rc 0 results tally "$src/examples/blank-majority.csv" --rules presidential --json
json "d['units'][0]['exprimes']" "393"

# Adjusted rules, from the command line and the file.
expect_rc 2 results tally x --set tie=coin; has err "--set 'tie=coin': tie is 'older'"
expect_rc 2 results tally x --set nokey;    has err "expected KEY=VALUE"
expect_rc 0 results tally "$src/examples/federation-designation.csv" --set rounds=1 --set qualify-top=3 --json
json "d['rules']['rounds'], d['rules']['qualify_top'], d['rules']['tie']" "(1, 3, 'report')"
json "d['outcomes'][0]['chosen']" "['Yves LE GALL']"
expect_rc 0 results tally "$src/examples/federation-designation.csv" --set rounds=1
has out "Outcome under the party vote rules (adjusted), round 1"
printf '# rules: legislative\n# set: win-inscrits=0\nbureau,inscrits,votants,blancs,nuls,A,B\n1,404,160,0,0,100,60\n' > "$tmp/adj.csv"
expect_rc 0 results tally "$tmp/adj.csv" --json
json "d['outcomes'][0]['outcome'], d['rules']['win_inscrits'], d['rules']['qualify_inscrits']" "('elected', None, 8)"

# --output writes the whole result, or nothing.
expect_rc 0 results tally "$src/examples/primary-round2.csv" --csv --output "$tmp/r.csv"
if [ -s "$tmp/r.csv" ] && [ ! -s "$tmp/out" ]; then ok; else ko "--output did not write the file alone"; fi
expect_rc 1 results tally "$src/tests/bad/ministry-negative.txt" --output "$tmp/never.csv"
if [ ! -e "$tmp/never.csv" ] && [ -z "$(ls "$tmp" | grep never)" ]; then ok; else ko "a rejected input left an output file"; fi

expect_rc 1 results tally "$src/examples/primary-round2.csv" --output /nonexistent/dir/r.csv
has err "cannot write /nonexistent/dir/r.csv: No such file or directory"

# Standard input, and a quoted cell written back quoted.
printf '# levels: federation, section\nfederation,section,inscrits,votants,blancs,nuls,A\n"Rhône; Métropole",1,10,5,0,0,5\n' > "$tmp/q.csv"
"$urne" results tally - --csv --level federation < "$tmp/q.csv" > "$tmp/out" 2> "$tmp/err"
has out '"Rhône; Métropole";10;5;50,00'

# check only.
expect_rc 0 results check "$rhone"
has out "1287 sheets pass every check"

summary "cli results"
