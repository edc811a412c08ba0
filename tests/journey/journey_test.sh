#!/usr/bin/env bash
# The plugin author's and the vendor's journey from nothing, as the docs
# tell it: install ServiceLens into a fresh prefix; write a plugin of each
# kind with `servicelens new plugin` (the sentiment one in plain C); build
# each out of tree against the installed SDK, run its own test and the
# conformance kit; build one more plugin with pkg-config alone; load all of
# them in the installed host with a YAML configuration and sync a seeded
# desk; render a report; build and run the host-embedding example.
#   journey_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo; echo "== journey: $*"; }

step "the tutorial (docs/plugin-author-guide.md, part one), every sh block as written"
# From a folder where build/default is this build, with a HOME of its own.
mkdir -p "$work/tutorial/build" "$work/home"
ln -s "$build" "$work/tutorial/build/default"
awk '/^# Part one/ { part = 1 } /^# Part two/ { part = 0 }
     part && /^```sh/ { inside = 1; next } inside && /^```/ { inside = 0; next } inside' \
    "$source/docs/plugin-author-guide.md" > "$work/tutorial.sh"
[ "$(wc -l < "$work/tutorial.sh")" -gt 10 ]
(cd "$work/tutorial" && HOME="$work/home" SERVICELENS_PLUGIN_PATH= bash -euo pipefail -x "$work/tutorial.sh") > "$work/tutorial.log" 2>&1 ||
    { cat "$work/tutorial.log"; echo "journey: the tutorial failed at the step above" >&2; exit 1; }
grep -q "desk: 500 incidents" "$work/tutorial.log"
grep -q "500 written back" "$work/tutorial.log"
echo "the tutorial ran: $(grep -c '^+ ' "$work/tutorial.log") commands"

step "install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
export PATH="$work/prefix/bin:$PATH"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
unset SERVICELENS_PLUGIN_PATH
cd "$work"
[ "$(command -v servicelens)" = "$work/prefix/bin/servicelens" ]

for spec in context:ticket-age:cpp sentiment:mood-words:c report:channel-mix:cpp; do
    IFS=: read -r kind name lang <<< "$spec"
    step "a $kind plugin in $lang: $name"
    servicelens new plugin --kind "$kind" --name "$name" --lang "$lang" "$name"
    cmake -S "$name" -B "$name/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$name/build"
    ctest --test-dir "$name/build" --output-on-failure
    servicelens-plugin-check "$name/build/$name.so"
done

step "the same C plugin built with pkg-config alone"
mkdir pkg-config-build
# shellcheck disable=SC2046  # pkg-config output is a list of flags
cc -std=c99 -fPIC $(pkg-config --cflags servicelens-sdk) $(pkg-config --variable=plugin_ldflags servicelens-sdk) \
   -o pkg-config-build/mood-words.so mood-words/src/mood-words.c
[ "$(nm -D --defined-only pkg-config-build/mood-words.so | awk '{print $3}')" = servicelens_plugin_entry ]
servicelens-plugin-check pkg-config-build/mood-words.so >/dev/null

step "all three in the installed host: seed, validate, sync, report"
servicelens seed --incidents 300 --out desk >/dev/null
cat > servicelens.yaml <<'YAML'
version: 1
plugin_dirs: [ticket-age/build, mood-words/build, channel-mix/build]
plugins:
  - {name: ticket-age, plugin: com.example.ticket-age}
  - {name: mood-words, plugin: com.example.mood-words}
  - {name: channel-mix, plugin: com.example.channel-mix}
connectors:
  - {name: desk, kind: local, path: desk/desk.db}
state_store: {path: desk/state.db}
pipeline:
  - on: incident_changed
    run: [ticket-age, mood-words]
    write_back: {as: work_note}
  - {on: schedule, run: [channel-mix]}
YAML
servicelens config validate servicelens.yaml
servicelens --log-level warn sync --once --no-progress --config servicelens.yaml | tee sync.txt
grep -q "desk: 300 incidents" sync.txt
grep -q "300 written back" sync.txt
servicelens --log-level warn report --plugin channel-mix --config servicelens.yaml --format json --out report
grep -q '"title"' report/report.json

step "each generated project's own servicelens.yaml works as its README says"
(cd ticket-age && servicelens seed --incidents 50 --out desk >/dev/null &&
 servicelens --log-level warn sync --once --no-progress --config servicelens.yaml | grep -q "50 incidents")

step "a vendor embeds the host library: docs/examples/embed-host"
cmake -S "$source/docs/examples/embed-host" -B embed-host -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build embed-host
./embed-host/embed-host ticket-age/build/ticket-age.so | tee embed.txt
grep -q "com.example.ticket-age" embed.txt

echo
echo "journey: every step passed"
