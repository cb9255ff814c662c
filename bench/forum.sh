#!/usr/bin/env bash
# make bench-forum: the forum's renderer (forum/markup.h) on typical messages.
#
# Target (issue 19): 100 MB/s or more of typical messages. The corpus is generated
# (bench/gen_forum.py, seeded: the same bytes every run): French messages of forum
# length with the shortcuts in the proportions a forum sees them (some bold and
# italic, a link in one message out of three, a quote in one out of five, now and
# then code), about 100 MB in all.
#
# The figure is the renderer as the server uses it: one message at a time in one
# process (bench_forum_render, built beside urne; the best of 3 rounds, reading the
# file not timed). The peer is Debian's cmark (CommonMark's reference renderer, in
# C) on the same bytes in the same run, as a process on the whole corpus, with
# `urne forum render` measured the same way beside it: another grammar, the same job
# of text to safe HTML.
set -eu
source "$(dirname "$0")/lib.sh"
urne=$1
render=$(dirname "$urne")/bench_forum_render
corpus=$BENCH_OUT/forum-corpus.txt
[ -s "$corpus" ] && head -c 4096 "$corpus" | grep -q $'\x1e' || "$BENCH_PY" "$BENCH_HERE/gen_forum.py" 100 > "$corpus"
bytes=$(stat -c %s "$corpus")
mb=$(bench_calc "$bytes / 1000000" "%.1f")
echo "forum: renderer on $mb MB of generated messages, $(bench_machine)" >&2
read -r rbytes rtime nmsg < <("$render" "$corpus" 3)
rate=$(bench_calc "$rbytes / 1000000 / $rtime" "%.0f")
echo "forum: $nmsg messages, $rbytes bytes rendered in ${rtime}s in one process" >&2
t=$(bench_median 3 bash -c "'$urne' forum render < '$corpus' > /dev/null")
whole=$(bench_calc "$bytes / 1000000 / $t" "%.0f")
if command -v cmark > /dev/null; then
  tp=$(bench_median 3 bash -c "cmark --safe < '$corpus' > /dev/null")
  peer="as a process on the whole corpus: cmark $(bench_calc "$bytes / 1000000 / $tp" "%.0f") MB/s, urne $whole MB/s"
else
  peer="cmark absent (make bench-deps installs it); urne as a process on the whole corpus $whole MB/s"
fi
bench_line forum "renderer, typical messages one at a time" "$rate MB/s" "$peer" "100 MB/s" "$(bench_ok "$rate >= 100")"
