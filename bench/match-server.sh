#!/usr/bin/env bash
# bench/match-server.sh path/to/urne — the matching's server side (issue 20), run
# by `make bench-match` after bench/match.sh. BENCH lines:
#   1. a generated département (PUPILS pupils, default 100,000; a tenth as many
#      hosts; 10 wishes each: bench/gen_match.py, seeded) imported through the API
#      (POST /api/match/1/import: every line read, a code made and hashed per host
#      and pupil, every row written in one transaction with its audit entry);
#   2. the round run through the API (the rows read back as the files, deferred
#      acceptance, the engine's checker, every pupil's result and explanation
#      stored, the audit entry with the digest of the campaign's rows);
#   3. one pupil's answer to the offer (by code), after the round is published:
#      the pupil found by their code's hash, their last offer, the answer and its
#      audit entry (with the change to the campaign's digest: two rows' hashes).
# SQLite store; the server, curl and the generator share the machine's cores.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
n=${PUPILS:-100000}
h=$((n / 10))
out=$BENCH_OUT/match-server
rm -rf "$out" && mkdir -p "$out"
db=$out/bench.db
port=${PORT:-18091}
pass=bench-pass-1
echo "match-server: $(bench_machine)" >&2
data=$BENCH_OUT/match-$n
[ -s "$data/pupils.csv" ] || "$BENCH_PY" "$BENCH_HERE/gen_match.py" "$n" "$h" 10 1 "$data"
"$BENCH_PY" - "$data" "$out/import.json" <<'PY'
import json, sys
d = sys.argv[1]
json.dump({"hosts": open(d + "/hosts.csv", encoding="utf-8").read(),
           "pupils": open(d + "/pupils.csv", encoding="utf-8").read()}, open(sys.argv[2], "w"))
PY
echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
"$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log "$out/access.log" --quiet &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
bench_wait_server "$port"
tok=$(bench_login "$port" admin "$pass")
api() { curl -fsS -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary "$2" \
          "http://127.0.0.1:$port$1"; }
api /api/match '{"name":"Bench","seed":"1"}' >/dev/null
t0=$(date +%s.%N)
api /api/match/1/import "@$out/import.json" > "$out/codes.json"
t1=$(date +%s.%N)
api /api/match/1/run '{}' > "$out/run.json"
t2=$(date +%s.%N)
api /api/match/1/publish '{"deadline":"2099-01-01T00:00"}' >/dev/null
t3=$(date +%s.%N)
# A pupil with an offer: the first of the file whose placement shows one.
code=$("$BENCH_PY" - "$out/codes.json" "$port" <<'PY'
import json, sys, urllib.request
for p in json.load(open(sys.argv[1]))["codes"]["pupils"]:
    req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[2]}/api/match/1/placement",
                                 data=json.dumps({"code": p["code"]}).encode(),
                                 headers={"Content-Type": "application/json"})
    if "offer" in json.load(urllib.request.urlopen(req)):
        print(p["code"])
        break
PY
)
t4=$(date +%s.%N)
curl -fsS -H 'Content-Type: application/json' -d "{\"code\":\"$code\",\"answer\":\"accept\"}" \
  "http://127.0.0.1:$port/api/match/1/answer" > "$out/answer.json"
t5=$(date +%s.%N)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
placed=$("$BENCH_PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['placed'])" "$out/run.json")
echo "match-server: $n pupils, $placed placed; publish $(bench_calc "$t3 - $t2" %.2f) s; answer: $(cat "$out/answer.json"); server peak RSS ${rss} KB" >&2
imp=$(bench_calc "$t1 - $t0" %.2f) run=$(bench_calc "$t2 - $t1" %.2f) ans=$(bench_calc "$t5 - $t4" %.3f)
bench_line match "import of $n pupils and $h hosts through the API (codes, rows, audit; SQLite)" "$imp s" \
  "no peer; the run of the same rows $run s" "none set" "$(bench_ok "$imp > 0")"
bench_line match "a round of $n pupils run through the API (rows read back, checked, results and explanations stored)" \
  "$run s" "urne match run on the same files: bench/match.sh's line" "none set" "$(bench_ok "$run > 0")"
bench_line match "one pupil's answer by code, in a campaign of $n pupils (one request, its audit entry)" \
  "$ans s" "no peer" "< 0.1 s" "$(bench_ok "$ans < 0.1")"
