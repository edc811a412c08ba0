#!/bin/sh
# Usage: html_report_test.sh SERVICELENS_CLI PLUGIN_DIR WORK_DIR
# Seeds a small desk, syncs it, renders the HTML report and opens it in
# headless Chromium (Debian's, installed by scripts/setup) at laptop and
# phone sizes. Passes when both screenshots are far from blank (compared
# with a screenshot of an empty page taken the same way) and the rendered
# page holds its charts.
set -eu
cli="$1"; plugins="$2"; work="$3"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "FAIL: chromium is not installed; scripts/setup installs it (apt-get install chromium)" >&2
    exit 1
fi
rm -rf "$work"; mkdir -p "$work"
export SERVICELENS_PLUGIN_PATH="$plugins"
"$cli" --log-level warn seed --incidents 400 --months 3 --seed 11 --out "$work/desk" >/dev/null
"$cli" --log-level warn sync --once --no-progress --config "$work/desk/servicelens.yaml" >/dev/null
"$cli" --log-level warn report --plugin ticket-volume --format html --config "$work/desk/servicelens.yaml" \
    --out "$work/report" >/dev/null
html="$work/report/report.html"
if grep -Eq '(src|href)="https?://' "$html"; then
    echo "FAIL: the report loads something from the network" >&2; exit 1
fi
printf '<!doctype html><html><body></body></html>' > "$work/blank.html"

shoot() { # URL PNG WIDTH HEIGHT
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
        --user-data-dir="$work/profile-$(basename "$2")" --window-size="$3,$4" --screenshot="$2" "$1" \
        >/dev/null 2>&1
    [ -s "$2" ] || { echo "FAIL: chromium wrote no screenshot $2" >&2; exit 1; }
}
size() { wc -c < "$1" | tr -d ' '; }

status=0
for viewport in "1280 900 laptop" "390 844 phone"; do
    set -- $viewport
    shoot "file://$work/blank.html" "$work/blank-$3.png" "$1" "$2"
    shoot "file://$html" "$work/report-$3.png" "$1" "$2"
    blank=$(size "$work/blank-$3.png"); report=$(size "$work/report-$3.png")
    echo "$3 ($1x$2): report screenshot $report bytes, empty page $blank bytes"
    if [ "$report" -lt $((blank * 4)) ]; then
        echo "FAIL: the $3 screenshot looks blank ($report bytes against $blank for an empty page)" >&2
        status=1
    fi
done

dom="$work/report.dom.html"
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-dom" --dump-dom "file://$html" > "$dom" 2>/dev/null
charts=$(grep -o '<svg class="chart"' "$dom" | wc -l)
bars=$(grep -o '<rect ' "$dom" | wc -l)
echo "rendered page: $charts chart(s), $bars bar(s)"
if [ "$charts" -lt 1 ] || [ "$bars" -lt 3 ]; then
    echo "FAIL: the rendered page has no charts" >&2
    status=1
fi
exit "$status"
