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
# msgcmp ignores untranslated and fuzzy entries of fr.po: each one is reported as missing.
if ! msgcmp "$src/po/fr.po" "$tmp/urne.pot" 2>"$tmp/missing"; then
  grep -c 'used but not defined' "$tmp/missing" | sed 's/$/ messages have no French translation:/' >&2
  # Name each with the source that says it.
  python3 - "$tmp/urne.pot" "$tmp/missing" <<'PY' >&2
import re, sys
pot = open(sys.argv[1], encoding='utf-8').read().split('\n\n')
lines = open(sys.argv[2], encoding='utf-8').read()
for m in re.finditer(r':(\d+): this message is used but not defined', lines):
    ln = int(m.group(1))
    text = open(sys.argv[1], encoding='utf-8').read().split('\n')
    block = []
    i = ln - 1
    while i >= 0 and text[i] != '':
        block.insert(0, text[i]); i -= 1
    j = ln
    while j < len(text) and text[j] != '':
        block.append(text[j]); j += 1
    refs = ' '.join(l[3:] for l in block if l.startswith('#: '))
    mid = [l for l in block if l.startswith('msgid ')]
    print('  %s  %s' % (refs.split(' ')[0] if refs else '?', mid[0] if mid else ''))
PY
  exit 1
fi
echo "i18n.catalogue: $n messages, all translated"
