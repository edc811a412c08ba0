#!/usr/bin/env bash
# `servicelens sync` against a real Request Tracker 5 (Debian's
# request-tracker5 + rt5-db-sqlite), as an admin would run it: a throwaway
# RT on a free 127.0.0.1 port with its own SQLite database in a temporary
# folder, a queue and a custom field, tickets with replies and comments made
# through REST2; then two syncs with the lexicon sentiment plugin writing
# back a comment and the custom field, read back through REST2: each ticket
# has exactly one ServiceLens comment and the field's value, nothing is
# written twice (not even by a sync that lost its state store), and a mapped
# field RT does not have is refused (RT answers 200 regardless) without
# stopping the others.
#   rt_sync_test.sh SERVICELENS PLUGIN_DIR WORK_DIR
# Exit 77 (ctest: skipped) when the RT packages are not installed.
set -euo pipefail
cli=$(realpath "$1"); export SERVICELENS_PLUGIN_PATH=$(realpath "$2"); work=$(realpath -m "$3")
here=$(cd "$(dirname "$0")" && pwd)
rt_server="$here/rt-server"
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! "$rt_server" installed; then
  echo "SKIP: Request Tracker 5 is not installed (scripts/setup installs request-tracker5 and rt5-db-sqlite)"
  exit 77
fi

# What an earlier run left when it was killed (the cleanup test stops its server too).
if [[ -f "$work/rt-dir" ]]; then
  old=$(cat "$work/rt-dir")
  "$rt_server" stop "$old" 2>/dev/null || true
  if [[ "$old" == */servicelens-rt.* ]]; then rm -rf "$old"; fi
fi
rm -rf "$work"; mkdir -p "$work"; cd "$work"
rt=$(mktemp -d "${TMPDIR:-/tmp}/servicelens-rt.XXXXXX")
echo "$rt" > rt-dir
finish() {
  local status=$?
  "$rt_server" stop "$rt" || status=1
  if [[ $status -eq 0 ]]; then rm -rf "$rt"; else
    echo "RT's folder is kept for a look: $rt (server.log, setup.log)" >&2
    tail -n 20 "$rt/server.log" >&2 2>/dev/null || true
  fi
  exit $status
}
trap finish EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SL_RT_PASSWORD="it-secret-$RANDOM$RANDOM"
"$rt_server" init "$rt" "$port" "$SL_RT_PASSWORD"
"$rt_server" start "$rt"
base="http://127.0.0.1:$port/REST/2.0"

# rest METHOD PATH [JSON]: one REST2 call as root; prints the body, fails on a status other than 2xx.
rest() {
  local out code data=()
  [[ $# -ge 3 ]] && data=(--data "$3")
  out=$(curl -sS --max-time 30 -u "root:$SL_RT_PASSWORD" -H 'Content-Type: application/json' -X "$1" \
        "${data[@]}" -w '\n%{http_code}' "$base$2") || fail "curl $1 $2"
  code=${out##*$'\n'}; out=${out%$'\n'*}
  [[ $code == 2* ]] || fail "$1 $2 answered $code: $out"
  printf '%s' "$out"
}

rest POST /queue '{"Name":"CI","Description":"ServiceLens integration test"}' > /dev/null
rest POST /customfield '{"Name":"Sentiment","Type":"FreeformSingle","LookupType":"RT::Queue-RT::Ticket","Queue":"CI"}' > /dev/null
# A ticket outside the filtered queue, which the sync must not touch.
rest POST /ticket '{"Queue":"General","Subject":"Not ours","Content":"Terrible, awful, broken."}' > /dev/null
moods=(negative positive negative positive)   # what the lexicon makes of each ticket's replies
replies=(
  "This is terrible. The VPN is broken again and I am furious, nothing works."
  "Thank you so much, it works perfectly now. Great support!"
  "Still broken after the reboot. Awful, I have lost a whole day of work."
  "Excellent, problem solved quickly. Really happy with the help."
)
tickets=()
for i in 0 1 2 3; do
  id=$(rest POST /ticket "{\"Queue\":\"CI\",\"Subject\":\"Laptop issue $i\",\"Priority\":$((i * 30)),
        \"Requestor\":\"user$i@example.com\",\"Content\":\"Reported by user$i\"}" \
       | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  tickets+=("$id")
  rest POST "/ticket/$id/correspond" "{\"Content\":\"${replies[$i]}\",\"ContentType\":\"text/plain\"}" > /dev/null
  rest POST "/ticket/$id/comment" '{"Content":"Checked the logs, nothing yet.","ContentType":"text/plain"}' > /dev/null
done

cat > servicelens.yaml <<YAML
version: 1
plugins:
  - name: sentiment
    plugin: org.servicelens.lexicon
connectors:
  - name: rt
    kind: rt
    base_url: http://127.0.0.1:$port
    auth:
      type: basic
      username: root
      password: \${env:SL_RT_PASSWORD}
    filter: "Queue = 'CI'"
    page_size: 3
    timeout: 20s
state_store:
  path: state.db
pipeline:
  - on: incident_changed
    run: [sentiment]
    write_back:
      as: work_note
      template: "ServiceLens: the requester's replies read {{sentiment.label}}"
  - on: incident_changed
    run: [sentiment]
    write_back:
      as: field
      field: Sentiment
      template: "{{sentiment.label}}"
  - on: incident_changed
    run: [sentiment]
    write_back:
      as: field
      field: NoSuchField
      template: "{{sentiment.label}}"
YAML

sync() {
  timeout 180 "$cli" --log-level warn sync --once --no-progress --config servicelens.yaml > "sync$1.txt" 2> "sync$1.err" \
    || fail "sync $1 exited $?: $(cat "sync$1.err")"
}

# check: through REST2, each CI ticket has one ServiceLens comment and its
# field holds the label; prints the counts of comments and custom-field
# changes RT recorded, to compare between syncs.
check() {
  python3 - "$base" "$SL_RT_PASSWORD" "${tickets[*]}" "${moods[*]}" <<'PY'
import base64, json, sys, urllib.parse, urllib.request
base, password, tickets, moods = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
auth = "Basic " + base64.b64encode(f"root:{password}".encode()).decode()
def get(path, **query):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": auth}), timeout=30) as r:
        return json.load(r)
def search_attachments(transactions):
    body = json.dumps([{"field": "TransactionId", "operator": "IN", "value": transactions}]).encode()
    request = urllib.request.Request(base + "/attachments?fields=Content,ContentType&per_page=100", data=body,
                                     headers={"Authorization": auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.load(r)["items"]
counts = []
for ticket, mood in zip(tickets, moods):
    history = get(f"/ticket/{ticket}/history", fields="Type", per_page=100)["items"]
    comments = [int(t["id"]) for t in history if t["Type"] == "Comment"]
    texts = [a["Content"] for a in search_attachments(comments) if a["ContentType"] == "text/plain"]
    notes = [t for t in texts if "[servicelens:" in t]
    assert len(notes) == 1, f"ticket {ticket}: {len(notes)} ServiceLens comments: {notes}"
    assert f"replies read {mood}" in notes[0], f"ticket {ticket}: expected {mood}: {notes[0]!r}"
    fields = {f["name"]: f["values"] for f in get(f"/ticket/{ticket}")["CustomFields"]}
    assert fields.get("Sentiment") == [mood], f"ticket {ticket}: Sentiment is {fields.get('Sentiment')}, expected {mood}"
    assert "NoSuchField" not in fields, fields
    counts.append(f"{ticket}:{len(comments)}:{sum(1 for t in history if t['Type'] == 'CustomField')}")
# The ticket outside the filter was not touched.
other = get("/tickets", query="Queue = 'General'", fields="id")["items"][0]["id"]
assert not [t for t in get(f"/ticket/{other}/history", fields="Type")["items"] if t["Type"] in ("Comment", "CustomField")]
print(" ".join(counts))
PY
}

sync 1
grep -q "^rt: [0-9]* incidents" sync1.txt || fail "sync 1 said: $(cat sync1.txt)"
grep -q "NoSuchField" sync1.err || fail "the refused field is not named in the log: $(cat sync1.err)"
grep -qi "queue" sync1.err || fail "the refusal does not say what to check: $(cat sync1.err)"
after_first=$(check) || fail "after the first sync"

sync 2
after_second=$(check) || fail "after the second sync"
[[ "$after_first" == "$after_second" ]] || fail "the second sync wrote again: before $after_first, after $after_second"
grep -q " 0 written back" sync2.txt || fail "sync 2 wrote back: $(cat sync2.txt)"

# The state store lost (a crash before its commit, a restored backup): the
# same notes are queued again, and the marker in RT's comments stops them.
rm -f state.db state.db-wal state.db-shm
sync 3
grep -q "^rt: [1-9][0-9]* incidents" sync3.txt || fail "sync 3 did not start over: $(cat sync3.txt)"
after_third=$(check) || fail "after the third sync"
[[ "$after_first" == "$after_third" ]] || fail "a sync without its state wrote again: before $after_first, after $after_third"
echo "rt: all checks passed ($after_third: ticket:comments:field changes)"
