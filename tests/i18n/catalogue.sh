#!/bin/sh
# i18n.catalogue: every message a user can read has a French translation.
# Extracts the messages from the sources as po/extract.sh does and compares them
# with po/fr.po: a message missing there, untranslated or fuzzy fails the test,
# named with the source line that says it. Usage: catalogue.sh SOURCE_DIR
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/po/extract.sh" "$src" "$tmp/urne.pot"
n=$(grep -c '^msgid ' "$tmp/urne.pot")
if [ "$n" -lt 300 ]; then
  echo "i18n.catalogue: only $n messages extracted: the extraction is broken" >&2
  exit 1
fi
# msgcmp reports each message of the template that fr.po lacks ("used but not defined",
# at the template's line) and each one fr.po holds untranslated or fuzzy, as msgmerge
# leaves new messages ("untranslated", "needs to be reviewed", at fr.po's line).
if ! msgcmp "$src/po/fr.po" "$tmp/urne.pot" 2>"$tmp/missing"; then
  # Name each with the source that says it.
  python3 - "$tmp/urne.pot" "$tmp/missing" <<'PY' >&2
import re, sys
def blocks(path):
    """(first line, last line, msgctxt, msgid, refs) of each entry of a PO file."""
    out, text = [], open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(text):
        if text[i] == '':
            i += 1
            continue
        start = i
        while i < len(text) and text[i] != '':
            i += 1
        block = text[start:i]
        refs = ' '.join(l[3:] for l in block if l.startswith('#: ')).split()
        ctx = mid = None
        cur = None
        for l in block:
            m = re.match(r'(msgctxt|msgid|msgid_plural|msgstr\S*) "(.*)"$', l)
            if m:
                cur = m.group(1)
                if cur == 'msgctxt': ctx = m.group(2)
                if cur == 'msgid': mid = m.group(2)
            elif l.startswith('"') and cur in ('msgctxt', 'msgid'):
                if cur == 'msgctxt': ctx += l[1:-1]
                else: mid += l[1:-1]
        out.append((start + 1, i, ctx, mid, refs))
    return out
pot = blocks(sys.argv[1])
refs = {(c, m): r for _, _, c, m, r in pot}
cache, named = {}, []
for line in open(sys.argv[2], encoding='utf-8'):
    m = re.match(r'(.*):(\d+): this message (is used but not defined|is untranslated|needs to be reviewed)', line)
    if not m:
        continue
    path, ln, why = m.group(1), int(m.group(2)), m.group(3)
    if path not in cache:
        cache[path] = blocks(path)
    for first, last, ctx, mid, _ in cache[path]:
        if first <= ln <= last:
            r = refs.get((ctx, mid), ['?'])
            note = '' if why == 'is used but not defined' else ' (%s in fr.po)' % ('fuzzy' if why.startswith('needs') else 'empty')
            named.append('  %s  msgid "%s"%s' % (r[0] if r else '?', mid, note))
            break
print('%d messages have no French translation:' % len(named))
print('\n'.join(named))
PY
  exit 1
fi
echo "i18n.catalogue: $n messages, all translated"
