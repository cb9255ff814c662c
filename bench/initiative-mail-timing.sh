#!/usr/bin/env bash
# bench/initiative-mail-timing.sh path/to/urne [path/to/other/urne ...] — does the
# time of a request for a confirmation link (issue 18's lighter petitions, POST
# /api/initiatives/ID/mail) tell whether the address signed already, was mailed a
# link lately, or is new? bench/mail_timing.py measures (STEPS, default 3000,
# times three requests in a random order, one of each kind, on one kept-alive
# connection, the mail limits off; BENCH_SMTP=1: a relay on loopback takes the
# mails, else none and they wait in the outbox; SQLite, or the PostgreSQL
# cluster of URNE_TEST_DB_URL as the server tests take it) and says for each kind pair how
# often a stranger guesses the kind of one request from its time (the best
# threshold found on half the requests, counted on the other half: 50 % is a
# coin). Run by `make bench-initiative` after bench/initiative.sh.
#
# The binaries after the first (or TIMING_VS, e.g. main's build) are measured in
# the same minutes, their servers started together and their requests alternated,
# and printed as the peer: before and after a change on a shared machine.
#
# Its line: the medians (µs, round trip at the client: what a stranger sees) and
# the guess's accuracy, signed vs new (the question asked of an address), and
# recent vs new, signed vs recent; the target, indistinguishable: every pair's
# guess under 60 %, at the client and from the server's own times (its access
# log). Under 60 %: a coin is 50 % and the half counted (STEPS/2 requests of each
# kind) leaves a few points of noise; 94 % was the finding.
set -eu
urne=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
out=$here/out/initiative-mail-timing
rm -rf "$out" && mkdir -p "$out"
others=()
for b in "$@" ${TIMING_VS:-}; do others+=("$(realpath "$b")"); done
steps=${STEPS:-3000}
relay="SQLite, no relay"
[ -n "${URNE_TEST_DB_URL:-}" ] && relay="PostgreSQL (URNE_TEST_DB_URL), no relay"
[ "${BENCH_SMTP:-}" = 1 ] && relay="${relay%, no relay}, a relay on loopback"
echo "bench: initiative mail timing — $(bench_machine), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$BENCH_PY" "$here/mail_timing.py" "$here/.." "$steps" "$out" "$urne" "${others[@]}" > "$out/figures.txt"
# field NAME LINE: the value of NAME=... in a line of figures.txt
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
# summary LINE: the medians and the guesses of one binary, and whether it met
summary() {
  local l=$1 worst
  printf 'signed %s, asked lately %s, new %s µs; one request guessed %s %% signed vs new, %s %% lately vs new, %s %% signed vs lately (median of 10: %s %%)' \
    "$(field client_median_signed "$l")" "$(field client_median_recent "$l")" "$(field client_median_new "$l")" \
    "$(field client_acc_signed_new "$l")" "$(field client_acc_recent_new "$l")" \
    "$(field client_acc_signed_recent "$l")" "$(field client_acc_signed_recent_10 "$l")"
  worst=$(tr ' ' '\n' <<<"$l" | sed -n 's/^\(client\|server\)_acc_[a-z_0-9]*=//p' | sort -g | tail -1)
  printf ' [server: %s %%, %s %%]\t%s\n' "$(field server_acc_signed_new "$l")" "$(field server_acc_recent_new "$l")" \
    "$(bench_ok "$worst < 60")"
}
first=$(head -1 "$out/figures.txt")
mine=$(summary "$first")
peer="no peer"
n=0
while IFS= read -r l; do
  n=$((n + 1))
  [ "$n" = 1 ] && continue
  peer_line=$(summary "$l")
  [ "$peer" = "no peer" ] && peer="" || peer="$peer; "
  peer="$peer$(field binary "$l") in the same minutes: ${peer_line%	*}"
done < "$out/figures.txt"
bench_line initiative "mail answer time, signed vs new ($relay, $steps of each kind)" "${mine%	*}" "$peer" \
  "indistinguishable (every guess under 60 %)" "${mine##*	}"
