#!/bin/sh
# `servicelens import servicenow-csv` as an admin runs it: an audit event
# log with older events, quoting, missing values and bad rows goes into the
# embedded ticket store; sync and the service-desk report then see exactly
# the incidents' latest rows. Bad exports fail with the line and the fix.
#   import_test.sh SERVICELENS PLUGIN_DIR WORK_DIR
set -eu
cli="$1"; export SERVICELENS_PLUGIN_PATH="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > log.csv <<'CSV'
number,incident_state,sys_mod_count,reassignment_count,reopen_count,made_sla,contact_type,category,priority,impact,urgency,assignment_group,rfc,opened_at,resolved_at,closed_at
INC1,New,0,0,0,true,Phone,"Network, WAN",3 - Moderate,2 - Medium,2 - Medium,Service Desk,?,2/3/2016 09:00,?,?
INC1,Resolved,3,0,0,true,Phone,"Network, WAN",3 - Moderate,2 - Medium,2 - Medium,Service Desk,CHG7,2/3/2016 09:00,2/3/2016 09:30,?
INC1,Active,1,0,0,true,Phone,"Network, WAN",3 - Moderate,2 - Medium,2 - Medium,Service Desk,?,2/3/2016 09:00,?,?
INC2,Closed,5,2,1,false,Email,Software,2 - High,1 - High,2 - Medium,App Team,?,3/3/2016 10:00,4/3/2016 10:00,7/3/2016 10:00
INC2,Closed,5,2,1,false,Email,Software,2 - High,1 - High,2 - Medium,App Team,?,3/3/2016 10:00,4/3/2016 10:00
?,New,0,0,0,true,Phone,Network,3 - Moderate,2 - Medium,2 - Medium,Service Desk,?,3/3/2016 11:00,?,?
INC3,Awaiting User Info,2,0,0,?,Self service,?,4 - Low,3 - Low,3 - Low,?,?,20/3/2016 08:15,?,?
CSV

"$cli" import servicenow-csv log.csv --into desk/desk.db --no-progress > import.txt 2> import.err || fail "import exited $?: $(cat import.err)"
grep -q "7 rows, 3 incidents into desk/desk.db (connector 'desk'), 2 rows skipped" import.txt || fail "import said: $(cat import.txt)"
grep -q "log.csv:6" import.err || fail "the short row is not named by its line: $(cat import.err)"
grep -q "log.csv:7: no incident number" import.err || fail "the row without a number is not named: $(cat import.err)"

cat > servicelens.yaml <<'YAML'
version: 1
plugins:
  - name: desk-report
    plugin: org.servicelens.service-desk-report
connectors:
  - name: desk
    kind: local
    path: desk/desk.db
state_store:
  path: state.db
pipeline:
  - on: schedule
    run: [desk-report]
YAML
"$cli" --log-level warn sync --once --no-progress --config servicelens.yaml > sync.txt || fail "sync exited $?"
grep -q "3 incidents" sync.txt || fail "sync said: $(cat sync.txt)"
"$cli" --log-level warn report --config servicelens.yaml --plugin desk-report --from 2016-03-01 --to 2016-04-01 \
    --format json --out report > /dev/null || fail "report exited $?"
python3 - report/report.json <<'PY' || fail "the report does not match the imported rows"
import json, sys
doc = json.load(open(sys.argv[1]))
metric = {m["id"]: m["value"] for m in doc["metrics"]}
tables = {t["id"]: t["rows"] for t in doc["tables"]}
assert metric["volume.total"] == 3, metric
assert metric["backlog.open"] == 1, metric                      # INC3, awaiting the user
assert abs(metric["resolve.median_hours"] - 0.5) < 0.01, metric   # INC1's latest event: 30 minutes
assert metric["fcr.percent"] == 100.0, metric                    # INC1: phone, level 1, 30 minutes
assert metric["level1.percent"] == 50.0, metric                  # INC2 was reassigned twice
assert metric["reopen.percent"] == 50.0, metric
assert metric["sla.attainment_percent"] == 50.0, metric          # INC3's made_sla is unknown
assert ["Network, WAN", 1, 33.33] in tables["volume.by_category"], tables["volume.by_category"]
assert ["portal", 1, 33.33] in tables["volume.by_channel"], tables["volume.by_channel"]
PY

# The same export straight into a report, without a configuration.
"$cli" --log-level warn report --plugin org.servicelens.service-desk-report --csv log.csv --from 2016-03-01 \
    --to 2016-04-01 --format json --out direct > /dev/null 2>&1 || fail "report --csv exited $?"
python3 -c "import json,sys; a=json.load(open('report/report.json')); b=json.load(open('direct/report.json')); sys.exit(a['metrics'] != b['metrics'])" \
    || fail "report --csv differs from import, sync and report"

# Bad exports: what was wrong, where, and what to do.
printf 'number,opened_at\nINC1,2/3/2016 09:00\nINC2,2/3/2016 09:00\nINC1,2/3/2016 09:00\n' > unsorted.csv
if "$cli" import servicenow-csv unsorted.csv --into bad/desk.db --no-progress > out.txt 2>&1; then fail "an unsorted export was accepted"; fi
grep -q "unsorted.csv:4: incident INC1 appears again after other incidents; its rows must be consecutive" out.txt \
    || fail "unsorted export: $(cat out.txt)"
printf 'number,opened_at\nINC1,March 2nd\n' > dates.csv
if "$cli" import servicenow-csv dates.csv --into bad/desk.db --no-progress > out.txt 2>&1; then fail "an unreadable date was accepted"; fi
grep -q "dates.csv:2: opened_at 'March 2nd' is neither d/m/yyyy H:MM nor yyyy-mm-dd HH:MM:SS" out.txt || fail "bad date: $(cat out.txt)"
printf 'id,opened_at\nINC1,2/3/2016 09:00\n' > columns.csv
if "$cli" import servicenow-csv columns.csv --into bad/desk.db --no-progress > out.txt 2>&1; then fail "a missing column was accepted"; fi
grep -q "number" out.txt || fail "missing column: $(cat out.txt)"
if "$cli" report --plugin org.servicelens.service-desk-report --csv log.csv > out.txt 2>&1; then fail "--csv without a period ran"; fi
grep -q -- "--csv needs --from and --to" out.txt || fail "--csv without a period: $(cat out.txt)"
echo "import: all checks passed"
