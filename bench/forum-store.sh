#!/usr/bin/env bash
# make bench-forum, after bench/forum.sh: the forum's store and server (issue 19).
#
# Targets: a forum of 1,000,000 approved messages, a thread page at 20,000 requests/s
# with p99 under 20 ms; the moderation queue of 100,000 waiting messages paged in
# under 10 ms.
#
# The rows are generated straight into a SQLite store (documented here, not through
# the API: a million posts through the rate limits and the moderators would measure
# those instead): `urne admin create` makes the schema at its last migration, then
# one sqlite3 transaction inserts forum 1 (a posteriori) with 1,000,000 published
# messages in 10,000 threads of 100 (each thread's first message and 99 replies, a
# typical message of ~500 bytes with the shortcuts), and forum 2 (a priori) with
# 100,000 waiting messages. Then the server:
#   1. a thread page (/forums/1/t/N, its 100 messages rendered), wrk with 2 threads and
#      64 connections for 10 s, anonymous (the server's page cache serves it, as it
#      serves every anonymous page), with a thread taken from the middle of the forum;
#   2. the same thread read through the API by the administrator (bearer: never cached),
#      each request a store read and a rendering: wrk, 1 thread, 1 connection;
#   3. the queue: the page of 50 after the 50,000th waiting message
#      (/api/forums/queue?forum=2&after=...&limit=50&figures=0: one keyset read of the
#      index), 1 connection back to back: its mean and p99; with the waiting figures
#      (count, median, oldest over the 100,000) on standard error.
# The machine is shared: its load is printed with the figures.
set -eu
source "$(dirname "$0")/lib.sh"
urne=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/urne-bench-forum.XXXXXX")
db=$dir/forum.db
pass=correct-horse-battery-77
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
echo "$pass" | "$urne" admin create --db "$db" --user admin > /dev/null
start=$(date +%s.%N)
sqlite3 "$db" > /dev/null <<'SQL'
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO forums(id, attached, title, mode, visitors, created_at, created_by)
  VALUES (1, 'page/bench', 'Un million de messages', 'a-posteriori', 1, '2026-12-06T00:00:00Z', 'admin'),
         (2, 'page/queue', 'La file', 'a-priori', 1, '2026-12-06T00:00:00Z', 'admin');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100000)
INSERT INTO forum_posts(id, forum_id, parent_id, thread_id, title, body, author_user, author_key, author_name,
                        email, state, flags, score, links, sent_at, token_hash, address)
SELECT i, CASE WHEN i <= 1000000 THEN 1 ELSE 2 END,
       CASE WHEN i > 1000000 OR (i - 1) % 100 = 0 THEN 0 ELSE ((i - 1) / 100) * 100 + 1 END,
       CASE WHEN i > 1000000 THEN i ELSE ((i - 1) / 100) * 100 + 1 END,
       CASE WHEN i > 1000000 OR (i - 1) % 100 = 0 THEN 'Sujet numéro ' || i ELSE '' END,
       'Bonjour à tous, je voudrais revenir sur la {{proposition}} de la semaine dernière. '
         || 'Le budget participatif devrait, à mon avis, réserver une part aux quartiers {éloignés}.'
         || char(10) || char(10) || 'Voir [le compte rendu->https://exemple.fr/cr-' || i || '] et <quote>la charte dit '
         || 'que chacun peut proposer</quote> ; merci de vos réponses. Message ' || i || '.',
       0, 'email/auteur' || (i % 5000) || '@exemple.fr', 'Auteur ' || (i % 5000), 'auteur' || (i % 5000) || '@exemple.fr',
       CASE WHEN i <= 1000000 THEN 'published' ELSE 'waiting' END, '', 0, 1, 1765000000 + i / 10,
       printf('%064d', i), '192.0.2.' || (i % 250)
FROM n;
COMMIT;
ANALYZE;
SQL
made=$(bench_calc "$(date +%s.%N) - $start" "%.0f")
echo "forum-store: 1,100,000 rows and their indexes written in ${made}s ($(du -m "$db" | cut -f1) MB); $(bench_machine), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
port=$(( 20000 + RANDOM % 20000 ))
"$urne" serve --db "$db" --listen "127.0.0.1:$port" --access-log none --quiet &
server=$!
bench_wait_server "$port"
base="http://127.0.0.1:$port"
token=$(bench_login "$port" admin "$pass")
out=$BENCH_OUT
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) x = v / 1000; else if (v ~ /ms$/) x = v + 0; else x = v * 1000; printf "%.2f", x }'; }
# wrk_run NAME ARGS...: requests/s, mean (ms) and p99 (ms); non-2xx answers said on standard error.
wrk_run() {
  local name=$1; shift
  wrk "$@" > "$out/wrk-forum-$name.txt"
  awk '/Non-2xx|Socket errors/ {print "  '"$name"': " $0}' "$out/wrk-forum-$name.txt" >&2
  echo "$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/wrk-forum-$name.txt") $(ms "$(awk '$1 == "Latency" {print $2; exit}' "$out/wrk-forum-$name.txt")") $(ms "$(awk '$1 == "99%" {print $2}' "$out/wrk-forum-$name.txt")")"
}
thread=500001
status=$(curl -s -o /dev/null -w '%{http_code}' "$base/forums/1/t/$thread")
[ "$status" = 200 ] || { echo "bench: the thread page answered $status" >&2; exit 1; }
read -r rps _ p99 < <(wrk_run thread -t2 -c64 -d10s --latency "$base/forums/1/t/$thread")
read -r arps amean ap99 < <(wrk_run thread-api -t1 -c1 -d5s --latency -H "Authorization: Bearer $token" \
  "$base/api/forums/1/t/$thread")
echo "forum-store: the same thread through the API, uncached (admin, 1 connection): $arps requests/s, mean $amean ms, p99 $ap99 ms" >&2
bench_line forum "thread page of a 1,000,000-message forum (anonymous, 64 connections)" "$rps requests/s, p99 $p99 ms" \
  "uncached API read of the thread: $arps requests/s, p99 $ap99 ms" "20000 requests/s, p99 under 20 ms" \
  "$(bench_ok "$rps >= 20000 && $p99 < 20")"
after=1050000
read -r qrps qmean qp99 < <(wrk_run queue -t1 -c1 -d5s --latency -H "Authorization: Bearer $token" \
  "$base/api/forums/queue?forum=2&after=$after&limit=50&figures=0")
read -r frps fmean fp99 < <(wrk_run queue-figures -t1 -c1 -d5s --latency -H "Authorization: Bearer $token" \
  "$base/api/forums/queue?forum=2&after=$after&limit=50")
echo "forum-store: the queue page with the waiting figures over 100,000: mean $fmean ms, p99 $fp99 ms ($frps requests/s)" >&2
bench_line forum "moderation queue of 100,000 waiting, a page of 50 at the 50,000th (HTTP, 1 connection)" \
  "mean $qmean ms, p99 $qp99 ms" "with the waiting figures: mean $fmean ms, p99 $fp99 ms" "under 10 ms" \
  "$(bench_ok "$qp99 < 10")"
