#!/usr/bin/env bash
# `make run`: urne's server on a fresh demo database, on its embedded default
# (SQLite). It holds a primary in one town (held overseas, in Cayenne's time zone,
# with an entry deadline, so that the pages show both), a party federation's designation whose
# 1re circonscription is frozen because two sections are contested, the Rhône
# bureaux of the 2017 presidential election, a citizens' initiative collecting
# signatures with its forum (moderated beforehand: one message published, one
# waiting), and a matching of pupils with host organisations whose first round is
# published (examples/match-*.csv). Everything is set up through the same
# commands and API a federation would use; the address and accounts are printed, in
# French under a French locale (LANGUAGE, LC_ALL, LC_MESSAGES or LANG), else in English.
set -eu
urne=$1
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "$root/../shared/data" 2>/dev/null && pwd || true)
listen=${URNE_LISTEN:-127.0.0.1:8080}
dir=${URNE_DEMO_DIR:-$root/build/demo}
db=$dir/urne-demo.db
pass=demo-pass-2026

# fr or en: the language urne itself speaks in this environment (the rule of
# urne_i18n_from_env: LANGUAGE's first preference urne speaks, else the first of
# LC_ALL, LC_MESSAGES, LANG that is set; French only when it names French).
speaks() { case $1 in [Ff][Rr] | [Ff][Rr][!A-Za-z]*) echo fr ;; [Ee][Nn] | [Ee][Nn][!A-Za-z]*) echo en ;; *) return 1 ;; esac; }
demo_lang() {
  local pref
  local IFS=:
  for pref in ${LANGUAGE:-}; do speaks "$pref" && return; done
  for pref in "${LC_ALL:-}" "${LC_MESSAGES:-}" "${LANG:-}"; do
    if [ -n "$pref" ]; then speaks "$pref" || echo en; return; fi
  done
  echo en
}
lang=$(demo_lang)
# say FRENCH ENGLISH: one line of the demo's own, in its language
say() { if [ "$lang" = fr ]; then printf '%s\n' "$1"; else printf '%s\n' "$2"; fi; }
nb=$'\u00a0'   # French's no-break space before : ; ? ! and inside « »
nnb=$'\u202f'  # and its narrow one between groups of digits

rm -rf "$dir" && mkdir -p "$dir"
echo "$pass" | "$urne" admin create --db "$db" --user admin >/dev/null
"$urne" election import --db "$db" --double-entry --zone America/Cayenne --deadline 2030-06-14T20:00 \
  "$root/examples/primary-round2.csv" >/dev/null
"$urne" election import --db "$db" "$root/examples/federation-designation.csv" >/dev/null
rhone=$data/fr_pres2017_2022_rhone69_bureaux/PR17_BVot_T1_dept69.txt
if [ -n "$data" ] && [ -f "$rhone" ]; then
  "$urne" election import --db "$db" --title "Présidentielle 2017, 1er tour — Rhône" "$rhone" >/dev/null
  third=$'\n'$(say "               3  Présidentielle 2017, 1er tour — Rhône, 1${nnb}287 bureaux" \
                   "               3  Présidentielle 2017, 1er tour — Rhône, 1,287 bureaux")
else
  say "urne${nb}: ../shared/data n’est pas à côté de ce dépôt${nb}: la démo tourne sans l’élection du Rhône" \
      "urne: ../shared/data is not beside this checkout: the demo runs without the Rhône election"
  third=""
fi

key=$("$urne" initiative keygen --secret-key "$dir/authority.key")
"$urne" initiative create --db "$db" --user admin --title "Eau en régie publique" \
  --rules "$root/examples/initiative-rules.txt" --authority-key "$key" >/dev/null
"$urne" initiative import-roll --db "$db" --user admin --id 1 "$root/examples/initiative-roll.csv" >/dev/null

"$urne" serve --db "$db" --listen "$listen" --access-log "$dir/access.log" --quiet &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 100); do curl -fs "http://$listen/api/audit/head" >/dev/null && break; sleep 0.1; done

api() { # api TOKEN PATH JSON
  curl -fsS -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "http://$listen$2" >/dev/null
}
login() {
  curl -fsS -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$pass\"}" \
    "http://$listen/api/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
admin=$(login admin)
# The initiative's forum, moderated beforehand; its forms' stamps taken now, so that
# the messages below come after the 3 s a person takes to fill a form.
api "$admin" /api/forums '{"attached":"initiative/1","title":"Débat\u00a0: l’eau en régie publique","visitors":true}'
stamp() { curl -fsS "http://$listen/api/forums/1" | sed 's/.*"stamp":"\([^"]*\)".*/\1/'; }
stamp_admin=$(stamp)
stamp_visitor=$(stamp)
stamped=$(date +%s)
for u in secretaire:secretary:1 secretaire2:secretary:1 commission:commission:1 nationale:commission:2 \
         observateur:observer:1; do
  IFS=: read -r name role tier <<<"$u"
  api "$admin" /api/users "{\"name\":\"$name\",\"password\":\"$pass\",\"role\":\"$role\",\"tier\":$tier}"
done
api "$admin" /api/assignments '{"user":"secretaire","election":2,"first":5}'
api "$admin" /api/assignments '{"user":"secretaire","election":1,"first":0,"last":3}'
api "$admin" /api/assignments '{"user":"secretaire2","election":1,"first":0,"last":3}'
commission=$(login commission)
api "$commission" /api/elections/2/bureaux/0/contest '{"reason":"Écart de 3 voix signalé par un assesseur"}'
api "$commission" /api/elections/2/bureaux/1/contest '{"reason":"Signatures manquantes sur le procès-verbal"}'

api "$admin" /api/initiatives/1/transition '{"event":"submit"}'
api "$commission" /api/initiatives/1/decision '{"decision":"admit","reasons":"Conforme à la loi."}'
api "$admin" /api/initiatives/1/transition '{"event":"open"}'
for signer in '"Dupont","given":"Jean Pierre","birth":"1970-03-04","commune":"Montval"' \
              '"Moreau","given":"Léa","birth":"1999-11-20","commune":"Amiens"'; do # the public: no account
  curl -fsS -H 'Content-Type: application/json' -d "{\"name\":$signer}" \
    "http://$listen/api/initiatives/1/signatures" >/dev/null
done

# A matching of pupils with host organisations: imported, round 1 run and published.
api "$admin" /api/match '{"name":"Stages de 3e dans l’ESS — Amiens","space":"org/somme","seed":"2026"}'
json_text() { python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1], encoding="utf-8").read()))' "$1"; }
api "$admin" /api/match/1/import "{\"hosts\":$(json_text "$root/examples/match-hosts.csv"),\"pupils\":$(json_text "$root/examples/match-pupils.csv")}"
api "$admin" /api/match/1/run '{}'
api "$admin" /api/match/1/publish '{"deadline":"30/06/2030 18:00"}'

# The forum's messages, once the forms' 3 s have passed.
sleep $((stamped + 4 - $(date +%s) > 0 ? stamped + 4 - $(date +%s) : 0))
api "$admin" /api/forums/1/posts "{\"title\":\"Pourquoi une régie publique${nb}?\",\"message\":\"Le contrat de délégation arrive à échéance en 2027${nb}: c’est le moment d’en {{débattre}}.\",\"stamp\":\"$stamp_admin\"}"
curl -fsS -H 'Content-Type: application/json' -o /dev/null \
  -d "{\"parent\":1,\"message\":\"Quel serait le prix du mètre cube${nb}?\",\"name\":\"Camille\",\"email\":\"camille@example.org\",\"stamp\":\"$stamp_visitor\"}" \
  "http://$listen/api/forums/1/posts"

echo
if [ "$lang" = fr ]; then
  cat <<EOT
urne est lancé${nb}: http://$listen/   (Ctrl-C l’arrête)

  Scrutins     1  Primaire ouverte de Montval (second tour, double saisie)
               2  Désignation fédérale — 1re circonscription gelée${nb}: deux sections contestées$third
  Initiative   «${nb}Eau en régie publique${nb}», en signature${nb}: http://$listen/initiatives/1
               sa clé d’autorité (pour en créer une autre sur /initiatives)${nb}: $key
               (clé secrète, pour l’export des signataires${nb}: $dir/authority.key)
  Forum        son débat, modéré a priori (un message en attente)${nb}: http://$listen/forums/1
  Affectations stages de 3e, 1er tour publié${nb}: http://$listen/match/1
  Comptes      admin, secretaire, secretaire2, commission, nationale, observateur
  Mot de passe $pass   (le même pour tous)
  Base         $db
  Essayez      connectez-vous en «${nb}commission${nb}», ouvrez le scrutin 2 et décidez des contestations${nb};
               connectez-vous en «${nb}secretaire${nb}» et saisissez la section de Brignais (scrutin 2).
EOT
else
  cat <<EOT
urne is running: http://$listen/   (Ctrl-C stops it)

  Elections    1  Primaire ouverte de Montval (second round, double entry)
               2  Désignation fédérale — 1re circonscription frozen: two sections contested$third
  Initiative   "Eau en régie publique", collecting signatures: http://$listen/initiatives/1
               its authority's key (to create another on /initiatives): $key
               (secret key, for the signers' export: $dir/authority.key)
  Forum        its debate, moderated beforehand (one message waiting): http://$listen/forums/1
  Matching     pupils' internships, round 1 published: http://$listen/match/1
  Accounts     admin, secretaire, secretaire2, commission, nationale, observateur
  Password     $pass   (all of them)
  Database     $db
  Try          log in as 'commission', open election 2 and decide the disputes;
               log in as 'secretaire' and enter the Brignais section (election 2).
EOT
fi
wait $server
