#!/bin/sh
# urne forum render: standard input to an HTML fragment on standard output, what was
# found on standard error with --info, usage errors with status 2, and the same
# fragment for the same text however it arrives (a pipe, a file, CRLF line ends).
. "$(dirname "$0")/lib.sh" "$@"

render() { printf '%s' "$1" | "$urne" forum render $2 >"$tmp/out" 2>"$tmp/err"; }

render '{{Bonjour}} [le site->https://example.org]'
if [ "$(cat "$tmp/out")" = '<p><strong>Bonjour</strong> <a href="https://example.org" rel="nofollow ugc noopener">le site</a></p>' ]
then ok; else ko "bold and a link: $(cat "$tmp/out")"; fi

render '<script>alert(1)</script> [x->javascript:alert(1)]' --info
has out '&lt;script&gt;alert(1)&lt;/script&gt;'
has out '[x-&gt;javascript:alert(1)]'
if grep -q '<script\|href=' "$tmp/out"; then ko "a script or a javascript: link got through"; else ok; fi
has err "0 link(s), 1 refused link(s), 0 byte(s) replaced"

printf 'un\r\n\r\ndeux' > "$tmp/crlf.txt"
"$urne" forum render < "$tmp/crlf.txt" > "$tmp/out" 2>"$tmp/err"
if [ "$(cat "$tmp/out")" = '<p>un</p><p>deux</p>' ]; then ok; else ko "CRLF paragraphs: $(cat "$tmp/out")"; fi

: | "$urne" forum render > "$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = '' ]; then ok; else ko "an empty message: $rc $(cat "$tmp/out")"; fi

# The whole of a large message, read to the end (1 MB of paragraphs).
python3 -c "import sys; sys.stdout.write('{{a}} b\n\n' * 100000)" > "$tmp/big.txt"
"$urne" forum render < "$tmp/big.txt" > "$tmp/out" 2>"$tmp/err"
n=$(grep -o '<p><strong>a</strong> b</p>' "$tmp/out" | wc -l)
if [ "$n" -eq 100000 ]; then ok; else ko "a 1 MB message: $n paragraphs of 100000"; fi

expect_rc 2 forum;                   has out "Usage: urne forum render"
expect_rc 0 forum --help;            has out "[text->https://...]"
expect_rc 2 forum draw;              has err "unknown command or option 'draw'"
expect_rc 2 forum render --html5;    has err "unknown command or option '--html5'"

summary "cli forum"
