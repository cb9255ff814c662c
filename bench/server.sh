#!/usr/bin/env bash
# make bench: the server (issue 5).
#   1. wrk against a published results page and the JSON results of the Rhône 2017
#      election (1,287 bureaux): requests/s and p99 latency;
#   2. 70,000 sheets entered through the JSON API (each one a transaction with its
#      audit entry), timed end to end.
# wrk and the server share the machine's cores, as they would on a small host.
set -eu
urne=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out/server
rm -rf "$out" && mkdir -p "$out"
db=$out/bench.db
port=${PORT:-18080}
pass=bench-pass-1
rhone=$here/../../shared/data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
"$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — Rhône" "$rhone" >/dev/null
n=${ENTRIES:-70000}
/usr/bin/python3 - "$out/empty.csv" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("# election: Entry benchmark\n# levels: national, commune, bureau\n")
    f.write("national;commune;bureau;inscrits;votants;blancs;nuls;exprimes;" + ";".join(f"C{j}" for j in range(11)) + "\n")
    for i in range(n):
        f.write(f"FR;{i // 50};{i};1500;;;;;" + ";" * 10 + "\n")
PY
"$urne" election import --db "$db" "$out/empty.csv" >/dev/null
"$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log "$out/access.log" --quiet &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/audit/head" >/dev/null && break; sleep 0.1; done
login() {
  curl -fsS -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$pass\"}" \
    "http://127.0.0.1:$port/api/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
admin=$(login admin)
post() { curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$port$1" >/dev/null; }
post /api/elections/1/publish '{}'
post /api/users "{\"name\":\"sec\",\"password\":\"$pass\",\"role\":\"secretary\"}"
post /api/assignments "{\"user\":\"sec\",\"election\":2,\"first\":0,\"last\":$((n - 1))}"

echo "bench: server — $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for path in "/e/1" "/api/elections/1/results"; do
  wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$port$path" > "$out/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
  bytes=$(curl -s "http://127.0.0.1:$port$path" | wc -c)
  echo "wrk $path ($bytes bytes): $rps requests/s, p99 $p99 (target: 20,000 requests/s, p99 under 20 ms)"
done
sec=$(login sec)
/usr/bin/python3 "$here/enter_sheets.py" "$port" 2 "$n" 4 "$sec"
echo "(target: 70,000 sheets in under 30 s)"
"$urne" audit verify --db "$db" | sed 's/^/after the run: /'
