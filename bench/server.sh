#!/usr/bin/env bash
# bench/server.sh path/to/urne — the server (issues 5 and 16), one BENCH line per figure.
#   1. the bureau-level JSON of a 70,000-bureau election (the national file
#      bench/make_national.sh builds from the Rhône's bureaux, 110 MB of JSON, 13 MB
#      gzip-compressed) read by wrk (one connection, one answer after the other:
#      each one's latency) as a browser or any HTTP library asks for it, taking
#      gzip (Accept-Encoding), while sheets are entered into that election at 1,000
#      a second: p99 (BENCH); then the same without gzip (standard error);
#   2. the published results page (the Rhône 2017, 1,287 bureaux) under wrk in the
#      same stream of entries: requests/s (BENCH); and, on standard error, the
#      national page of the election the sheets go into;
#   3. the same published page for a logged-in user, measured as the anonymous
#      one: logged in once through the login form, wrk sends its session cookie
#      (never cached: the page shows who is logged in) (BENCH); and entries POSTed
#      as the pages' script does, the cookie with the session's CSRF token
#      (bench/post_sheets.lua) (standard error);
#   4. 70,000 sheets entered through the JSON API as fast as 4 clients go.
# wrk, the clients entering sheets and the server share the machine's cores, as
# they would on a small host. Every answer is checked to be 200 (wrk's non-2xx).
# THREADS: the server's threads (default: its own, one per core). wrk and the
# entering clients all come from 127.0.0.1: no per-address connection limit.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
out=$here/out/server
rm -rf "$out" && mkdir -p "$out"
db=$out/bench.db
port=${PORT:-18080}
pass=bench-pass-1
rate=${RATE:-1000}
secs=${SECONDS_EACH:-10}
rhone=$here/../../shared/data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
national=$here/out/national.txt
[ -s "$national" ] || { mkdir -p "$here/out" && "$here/make_national.sh" "$rhone" "$national" 55; }
echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
echo "$pass" | "$urne" admin create --db "$db" --user sec --role secretary >/dev/null
"$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — Rhône" "$rhone" >/dev/null
"$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — 55 × Rhône" "$national" >/dev/null
n=${ENTRIES:-70000}
bench_entry_election "$out/empty.csv" "$n"
"$urne" election import --db "$db" "$out/empty.csv" >/dev/null
"$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log "$out/access.log" --quiet \
  --max-connections-per-address 0 ${THREADS:+--threads $THREADS} &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/audit/head" >/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port
login() {
  curl -fsS -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$pass\"}" \
    "$base/api/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
admin=$(login admin)
post() { curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" "$base$1" >/dev/null; }
post /api/elections/1/publish '{}'
nat=$(curl -fsS "$base/api/elections/2" | sed 's/.*"bureaux":\([0-9]*\).*/\1/')
post /api/assignments "{\"user\":\"sec\",\"election\":2,\"first\":0,\"last\":$((nat - 1))}"
post /api/assignments "{\"user\":\"sec\",\"election\":3,\"first\":0,\"last\":$((n - 1))}"
sec=$(login sec)

# wrk's latency ("850.00us", "62.31ms", "1.02s") in milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) x = v / 1000; else if (v ~ /ms$/) x = v + 0; else if (v ~ /m$/) x = v * 60000; else x = v * 1000; printf "%.1f", x }'; }
bad() { awk '/Non-2xx|Socket errors/ {print; exit}' "$1"; }
verdict() { awk -v a="$1" -v b="$2" -v dir="$3" 'BEGIN { print ((dir == "under" ? a + 0 < b + 0 : a + 0 >= b + 0) ? "met" : "not met") }'; }

echo "bench: server — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
json="$base/api/elections/2/results?level=bureau"
bytes=$(curl -fs "$json" | wc -c) # the first read makes the level (once per load)
gzbytes=$(curl -fs -H 'Accept-Encoding: gzip' "$json" | wc -c) # and its compressed chunks
# A browser's session: the login form, then its cookie; the CSRF token its pages carry.
cookie=$(curl -fsS -o /dev/null -D - --data-urlencode user=sec --data-urlencode "password=$pass" "$base/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: \(urne_session=[0-9a-f]*\);.*/\1/p')
csrf=$(curl -fsS -H "Cookie: $cookie" "$base/api/me" | sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/')
[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "bench: logging in through the form failed" >&2; exit 1; }
# Entries at $rate a second for the wrk runs, on the election being read.
runs=5
total=$((rate * (runs * secs + 6)))
[ "$total" -le "$nat" ] || total=$nat
/usr/bin/python3 "$here/enter_sheets.py" "$port" 2 "$total" 4 "$sec" "$rate" > "$out/stream.txt" &
stream=$!
sleep 2
# wrk_run NAME ARGS...: wrk into $out/wrk-NAME.txt; its requests/s and p99 (ms).
wrk_run() {
  local name=$1; shift
  wrk "$@" > "$out/wrk-$name.txt"
  bad "$out/wrk-$name.txt" | sed "s/^/  $name: /" >&2 || true
  echo "$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/wrk-$name.txt") $(ms "$(awk '$1 == "99%" {print $2}' "$out/wrk-$name.txt")")"
}
read -r _ p99 < <(wrk_run json-gzip -t1 -c1 -d"${secs}s" --timeout 10s --latency -H 'Accept-Encoding: gzip' "$json")
echo "BENCH server bureau JSON p99 under $rate sheets/s ($((gzbytes / 1000000)) MB gzip of $((bytes / 1000000)) MB, 1 client back to back): $p99 ms target under 100 ms: $(verdict "$p99" 100 under)"
read -r _ plain99 < <(wrk_run json -t1 -c1 -d"${secs}s" --timeout 10s --latency "$json")
echo "bench: the same, a client not taking gzip ($((bytes / 1000000)) MB): p99 $plain99 ms" >&2
read -r rps pp99 < <(wrk_run page -t2 -c64 -d"${secs}s" --latency "$base/e/1")
echo "BENCH server published page under $rate sheets/s: $rps requests/s (p99 $pp99 ms) target 20000 requests/s: $(verdict "$rps" 20000 over)"
read -r nrps np99 < <(wrk_run page-streamed -t2 -c64 -d"${secs}s" --latency "$base/e/2")
echo "bench: the national page of the election the sheets go into: $nrps requests/s (p99 $np99 ms)" >&2
read -r lrps lp99 < <(wrk_run login -t2 -c64 -d"${secs}s" --latency -H "Cookie: $cookie" "$base/e/1")
echo "BENCH server logged-in page under $rate sheets/s: $lrps requests/s (p99 $lp99 ms) target 20000 requests/s as anonymous pages: $(verdict "$lrps" 20000 over)"
wait $stream || echo "the stream of entries had refusals: $(cat "$out/stream.txt")" >&2
cat "$out/stream.txt" >&2
# Logged-in POSTs: the bureaux the stream left, 4 connections, as fast as they go.
read -r prps pp99 < <(COOKIE=$cookie CSRF=$csrf ELECTION=2 FIRST=$total LAST=$((nat - 1)) STEP=2 \
  wrk_run login-post -t2 -c4 -d5s --latency -s "$here/post_sheets.lua" "$base")
echo "bench: entries POSTed with the session cookie and its CSRF token (wrk, 4 connections): $prps sheets/s (p99 $pp99 ms)" >&2
entry=$(/usr/bin/python3 "$here/enter_sheets.py" "$port" 3 "$n" 4 "$sec")
secs_taken=$(echo "$entry" | sed 's/.* in \([0-9.]*\) s .*/\1/')
echo "BENCH server $n sheets through the API: $secs_taken s target under 30 s: $(verdict "$secs_taken" 30 under)"
"$urne" audit verify --db "$db" | sed 's/^/after the run: /' >&2
