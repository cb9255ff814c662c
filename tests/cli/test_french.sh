#!/usr/bin/env bash
# What French spreadsheets write, read as written: counts grouped by thousands (a space,
# U+00A0 or U+202F between groups), ';' separators, Excel's "Texte Unicode" (UTF-16 with
# its mark, tabs), lines padded with empty cells. Every file of tests/cli/french is
# counted, and gives the very figures of the same file with its separators taken out.
# Refusals, with their exact messages, are in tests/bad and tests/bad-ballots.
set -u
. "$(dirname "$0")/lib.sh" "$@"
fr=$src/tests/cli/french

# plain IN OUT : IN with its thousands separators between digits taken out (UTF-8 or latin-1)
plain() {
  python3 - "$1" "$2" <<'PY'
import re, sys
b = open(sys.argv[1], 'rb').read()
b = re.sub(rb'(?<=[0-9])(?: |\xc2\xa0|\xe2\x80\xaf|\xa0)(?=[0-9]{3})', b'', b)
open(sys.argv[2], 'wb').write(b)
PY
}

# same_json FILE ARGS... : FILE and its plain copy give the same JSON but for 'source'
same_json() {
  local f=$1; shift
  plain "$f" "$tmp/plain.${f##*.}"
  if cmp -s "$f" "$tmp/plain.${f##*.}"; then ko "$f has no thousands separator to test"; return; fi
  "$urne" results tally "$f" --json "$@" >"$tmp/a.json" 2>"$tmp/err" || { ko "$f rejected: $(head -2 "$tmp/err")"; return; }
  "$urne" results tally "$tmp/plain.${f##*.}" --json "$@" >"$tmp/b.json" 2>/dev/null
  if python3 -c "
import json,sys
a,b=(json.load(open(p)) for p in sys.argv[1:])
for d in (a,b): d.pop('source',None)
sys.exit(a!=b)" "$tmp/a.json" "$tmp/b.json"; then ok; else ko "$f: grouped and plain figures differ"; fi
}

# Counts grouped by thousands, in each results format.
same_json "$fr/native-thousands.csv" --level bureau
same_json "$fr/ministry-thousands.txt" --level bureau
same_json "$fr/legislative-thousands.csv" --level circonscription
expect_rc 0 results tally "$fr/native-thousands.csv" --level commune --json
json "[(u['label'], u['inscrits'], u['votants'], u['exprimes']) for u in d['units']]" \
     "[('Montval', 4554, 3676, 3619), ('Ribes', 875, 640, 630)]"
json "[(c['name'], c['voix']) for c in d['units'][0]['candidates']]" "[('Claire DUVAL', 1913), ('Marc PEYRON', 1706)]"
expect_rc 0 results tally "$fr/ministry-thousands.txt" --json
json "d['units'][0]['inscrits'], d['units'][0]['abstentions']" "(1259, 1029)"
expect_rc 0 results tally "$fr/legislative-thousands.csv" --json
json "d['units'][0]['inscrits'], d['units'][0]['exprimes'], d['units'][0]['candidates'][0]['voix']" "(82694, 39931, 13534)"

# A CSV of approvals whose count column is grouped.
expect_rc 0 count --method approval "$fr/approval-thousands.csv" --json
json "d['ballots'], d['winners']" "(2234, ['Alice'])"

# Saved by Excel as "Texte Unicode": UTF-16 with its mark (both byte orders), tabs, CRLF,
# '#' lines padded with empty cells, an empty row, a cell holding ';'.
for f in native-texte-unicode.txt native-texte-unicode-be.txt; do
  expect_rc 0 results tally "$fr/$f" --level bureau --json
  json "d['election'], [(u['label'], u['inscrits'], u['votants']) for u in d['units']]" \
       "('Montval, municipales (Texte Unicode)', [('1', 1210, 1005), ('2', 2340, 1872), ('1', 875, 640)])"
  expect_rc 0 results tally "$fr/$f" --level commune --json
  json "[u['label'] for u in d['units']]" "['Montval', 'Saint-Jean; hameau']"
done
expect_rc 0 results tally "$fr/ministry-texte-unicode.txt" --json
json "d['units'][0]['inscrits'], d['units'][0]['exprimes'], d['rules']['preset']" "(1259, 227, 'presidential')"
json "[(c['name'], c['voix']) for c in d['units'][0]['candidates']][:2]" \
     "[('Nicolas DUPONT-AIGNAN', 15), ('Marine LE PEN', 75)]"
# Saved as "Texte (séparateur : tabulation)": Windows-1252, tabs, no quotes.
expect_rc 0 results tally "$fr/legislative-tabs.txt" --json
json "d['units'][0]['inscrits'], d['outcomes'][0]['label'], d['units'][0]['candidates'][0]['voix']" \
     "(82694, 'Ain, 1ère circonscription', 13534)"
# Saved as French Excel's "CSV UTF-8": the mark, ';', every line padded to the widest.
expect_rc 0 results tally "$fr/native-excel-semicolon.csv" --json
json "d['election'], d['units'][0]['inscrits'], [(c['name'], c['group']) for c in d['units'][0]['candidates']]" \
     "('Montval (CSV UTF-8)', 1210, [('Claire DUVAL', 'DVG'), ('Marc PEYRON', None)])"
# Ballots: approvals saved as "Texte Unicode" (.txt: the tabs say it is a table).
expect_rc 0 count --method approval "$fr/approval-texte-unicode.txt" --json
json "d['title'], d['ballots'], d['winners']" "('Budget participatif', 2050, ['Jardin partagé'])"

# excel FILE OUT ENCODING : FILE (';' separated) as Excel saves it as "Texte Unicode" with
# French number formats: UTF-16 LE with its mark, tabs, CRLF, whole numbers of 1,000 and
# more grouped by U+202F.
excel() {
  python3 - "$1" "$2" "$3" <<'PY'
import csv, io, re, sys
text = open(sys.argv[1], encoding=sys.argv[3], newline='').read()
out = []
for row in csv.reader(io.StringIO(text), delimiter=';'):
    cells = []
    for c in row:
        if re.fullmatch(r'[0-9]{4,}', c):
            c = re.sub(r'(?<=[0-9])(?=(?:[0-9]{3})+$)', '\u202f', c)
        cells.append('"' + c.replace('"', '""') + '"' if re.search('[\t"\n]', c) else c)
    out.append('\t'.join(cells))
open(sys.argv[2], 'wb').write(b'\xff\xfe' + ('\r\n'.join(out) + '\r\n').encode('utf-16-le'))
PY
}

# same_as FILE COPY ARGS... : the JSON of FILE and of COPY are the same but for the file names
same_as() {
  local a=$1 b=$2; shift 2
  "$urne" results tally "$a" --json "$@" >"$tmp/a.json" 2>/dev/null
  "$urne" results tally "$b" --json "$@" >"$tmp/b.json" 2>"$tmp/err" || { ko "$b rejected: $(head -2 "$tmp/err")"; return; }
  if python3 -c "
import json,sys
a,b=(json.load(open(p)) for p in sys.argv[1:])
for d in (a,b):
    d.pop('source',None)
    for w in d.get('warnings', []): w.pop('file', None)
sys.exit(a!=b or not a['units'])" "$tmp/a.json" "$tmp/b.json"; then ok; else ko "$a and its Excel copy differ"; fi
}

# The real files, saved by Excel: the same figures, outcomes and discrepancies.
data=$src/../shared/data
rhone=$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
leg=$data/fr_leg2017_t1_circonscriptions
excel "$rhone" "$tmp/rhone.txt" latin-1
same_as "$rhone" "$tmp/rhone.txt" --level commune
excel "$leg/Legislatives_2017_Resultats_T1_Circonscription.csv" "$tmp/circo.txt" utf-8
excel "$leg/Legislatives_2017_Resultats_T1_Departement.csv" "$tmp/dept.txt" utf-8
same_as "$leg/Legislatives_2017_Resultats_T1_Circonscription.csv" "$tmp/circo.txt" --level departement
same_as "$leg/Legislatives_2017_Resultats_T1_Circonscription.csv" "$tmp/circo.txt" \
        --compare "$leg/Legislatives_2017_Resultats_T1_Departement.csv"
expect_rc 0 results tally "$tmp/circo.txt" --compare "$tmp/dept.txt" --json
json "[(w['field'], w['rule']) for w in d['warnings']]" "[('blancs', 'stated-total'), ('nuls', 'stated-total')]"
has err "states 8533, the sum of its parts is 8532 (difference +1)"

# A level column no one declared: the message says which '# levels:' line to write,
# and with that line (in place of the file's own) the file is counted.
bad=$src/tests/bad
for f in native-level-not-declared.csv native-level-not-declared-candidates-declared.csv; do
  expect_rc 1 results tally "$bad/$f"
  advice=$(grep -o "'# levels: [^']*'" "$tmp/err" | head -1 | tr -d "'")
  if [ -n "$advice" ]; then ok; else ko "$f: no '# levels:' advice in $(cat "$tmp/err")"; fi
  { echo "$advice"; grep -v '^# levels:' "$bad/$f"; } > "$tmp/fixed.csv"
  expect_rc 0 results tally "$tmp/fixed.csv" --level commune --json
  json "d['units'][0]['label'], d['units'][0]['inscrits']" "('Montval', 220)"
done

# --excel: the Ministry's CSV with UTF-8's byte-order mark first; --csv stays as it was.
expect_rc 0 results tally "$fr/native-thousands.csv" --level bureau --csv
cp "$tmp/out" "$tmp/plain.csv"
if [ "$(head -c 3 "$tmp/plain.csv" | od -An -tx1 | tr -d ' ')" != "efbbbf" ]; then ok; else ko "--csv has a BOM"; fi
expect_rc 0 results tally "$fr/native-thousands.csv" --level bureau --excel --output "$tmp/excel.csv"
if [ "$(head -c 3 "$tmp/excel.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ]; then ok; else ko "--excel has no BOM"; fi
if [ "$(tail -c +4 "$tmp/excel.csv")" = "$(cat "$tmp/plain.csv")" ]; then ok; else ko "--excel is not --csv after its BOM"; fi
if [ ! -s "$tmp/out" ]; then ok; else ko "--excel --output wrote to stdout"; fi
python3 -c "
import sys
b = open(sys.argv[1], 'rb').read()
lines = b[3:].split(b'\r\n')
assert lines[-1] == b'' and all(b'\n' not in l for l in lines), 'CRLF line ends'
head, montval = lines[0].decode().split(';'), lines[1].decode().split(';')
assert head[:3] == ['Code du b.vote', 'Inscrits', 'Abstentions'], head[:3]
assert dict(zip(head, montval))['% Vot/Ins'] == '83,06', montval
" "$tmp/excel.csv" && ok || ko "--excel: ';', decimal commas, CRLF"
expect_rc 2 results tally "$fr/native-thousands.csv" --excel --json; has err "choose --json or --csv (--excel)"

summary "cli french"
