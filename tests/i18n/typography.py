#!/usr/bin/env python3
"""i18n.typography: the French of po/fr.po follows one typographic rule.

The rule is docs/TRANSLATING.md's ("French typography"): the apostrophe of French
prose is the typographic one, ’ (U+2019), never the typewriter's '; a no-break space
(U+00A0) comes before : ; ? ! and %, and inside « guillemets ». A catalogue that mixes
both apostrophes, or lets a line break before a colon, reads as two translators' work,
and a reader sees it on every page. This test reads every msgstr (plural forms and
continuation lines included, the header excepted) and fails naming the fr.po line of
each fault. Usage: typography.py PO_FILE

What is not prose is not checked: a `code span` (a command the user types), an HTML
tag (its attributes are code), and the few literals of ALLOWED below. A quoted file
syntax such as « # set: CLÉ=VALEUR » needs no entry: the rule only looks at a plain
space before the signs, and such syntax has none.
"""
import re
import sys

NBSP = '\u00a0'

# Literal text a msgstr must quote as the user types it or as a file holds it, where
# the rule would otherwise fire. Each entry is an exact substring of a msgstr, with
# why it is literal. Keep this list short: prose never belongs here.
ALLOWED = [
    # (none today: every ' and every plain space before a sign in fr.po was prose)
]

# Spans that are code, not prose: `backquoted` and <html tags>.
CODE = re.compile(r'`[^`]*`|</?[A-Za-z][^<>]*>')

FAULTS = [
    (re.compile(r"'"), "straight apostrophe ': write ’ (U+2019)"),
    (re.compile(r' (?=[:;?!»])'), 'plain space before a sign: write a no-break space (U+00A0)'),
    (re.compile(r'(?<=\w) (?=%%)'), 'plain space before %: write a no-break space (U+00A0)'),
    (re.compile(r'«(?!' + NBSP + ')'), '« without a no-break space (U+00A0) after it'),
    (re.compile(r'(?<!' + NBSP + ')»'), '» without a no-break space (U+00A0) before it'),
]


def entries(path):
    """Each entry's msgid and msgstr texts, a msgstr as (text, line of each character)."""
    entry, key = None, None
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            m = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                if key in ('msgctxt', 'msgid') and entry is not None and entry['strs']:
                    yield entry
                    entry = None
                if entry is None:
                    entry = {'msgid': '', 'strs': {}}
                piece = m.group(2)
            elif line.startswith('"') and key is not None:
                piece = line[1:-1]
            else:
                key = None
                continue
            if key == 'msgid':
                entry['msgid'] += piece
            elif key.startswith('msgstr'):
                text, lines = entry['strs'].setdefault(key, ('', []))
                entry['strs'][key] = (text + piece, lines + [number] * len(piece))
    if entry is not None and entry['strs']:
        yield entry


def blank(text, span):
    """text with span's characters turned to NUL, so that the rules skip them."""
    a, b = span
    return text[:a] + '\0' * (b - a) + text[b:]


def faults(path, allowed=ALLOWED):
    """(line, msgid, problem, excerpt) of every fault of the catalogue at path, but in
    code, tags and the literals of allowed."""
    out = []
    for e in entries(path):
        if e['msgid'] == '':
            continue  # the header: its fields are not French
        for text, lines in e['strs'].values():
            seen = text
            for m in CODE.finditer(text):
                seen = blank(seen, m.span())
            for literal in allowed:
                for m in re.finditer(re.escape(literal), text):
                    seen = blank(seen, m.span())
            for rule, problem in FAULTS:
                for m in rule.finditer(seen):
                    at = m.start()
                    excerpt = text[max(0, at - 25):at + 25].replace(NBSP, '⍽')
                    out.append((lines[min(at, len(lines) - 1)], e['msgid'], problem, excerpt))
    return sorted(out)


# A catalogue with one fault of each kind (a continuation line and a plural form
# among them) and what the rule leaves alone (the header, code, tags, quoted syntax):
# the test first checks that it finds exactly these, so that a broken pattern cannot
# pass a catalogue silently.
SELF_TEST = """msgid ""
msgstr "Language-Team: l'équipe ; Content-Type: text/plain; charset=UTF-8\\n"

msgid "a"
msgstr "l'initiative"

msgid "b"
msgstr ""
"Champ "
": vide"

msgid "c"
msgid_plural "cs"
msgstr[0] "%s\u00a0%%"
msgstr[1] "%s %%"

msgid "d"
msgstr "«\u00a0x »"

msgid "e"
msgstr "« x\u00a0»"

msgid "f"
msgstr "`l'option` <a href='/x'>«\u00a0# set: A\u00a0»</a>\u00a0; ADRESSE:PORT, «\u00a0--set 'k=v' ;\u00a0»"
"""
SELF_TEST_ALLOWED = ["--set 'k=v' ;"]
SELF_TEST_LINES = [5, 9, 15, 18, 18, 21]


def self_test():
    """Whether the rules find SELF_TEST's faults, at their lines, and no other."""
    import os
    import tempfile
    with tempfile.NamedTemporaryFile('w', encoding='utf-8', suffix='.po', delete=False) as f:
        f.write(SELF_TEST)
    try:
        got = [line for line, _, _, _ in faults(f.name, SELF_TEST_ALLOWED)]
    finally:
        os.unlink(f.name)
    if got != SELF_TEST_LINES:
        print('i18n.typography: the rules are broken: on the self-test they find lines %s, not %s'
              % (got, SELF_TEST_LINES), file=sys.stderr)
        return False
    return True


def main():
    path = sys.argv[1]
    if not self_test():
        return 1
    n = sum(len(e['strs']) for e in entries(path))
    if n < 300:
        print('i18n.typography: only %d msgstr read from %s: the reading is broken' % (n, path),
              file=sys.stderr)
        return 1
    found = faults(path)
    for line, msgid, problem, excerpt in found:
        print('%s:%d: %s\n    msgid "%s"\n    near "…%s…" (⍽ is a no-break space)'
              % (path, line, problem, msgid, excerpt), file=sys.stderr)
    if found:
        print('i18n.typography: %d faults against docs/TRANSLATING.md\'s French typography'
              % len(found), file=sys.stderr)
        return 1
    print('i18n.typography: %d msgstr of %s follow the French typography of docs/TRANSLATING.md' % (n, path))
    return 0


if __name__ == '__main__':
    sys.exit(main())
