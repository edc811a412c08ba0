#!/bin/sh
# Usage: check_exports.sh PLUGIN.so
# A plugin must export exactly one dynamic symbol: servicelens_plugin_entry.
set -eu
plugin="$1"
exported=$(nm -D --defined-only "$plugin" | awk '{ print $3 }' | sort)
if [ "$exported" = "servicelens_plugin_entry" ]; then
    echo "ok: $plugin exports only servicelens_plugin_entry"
    exit 0
fi
echo "FAIL: $plugin must export only servicelens_plugin_entry, but exports:" >&2
echo "$exported" | sed 's/^/  /' >&2
echo "Build it with servicelens_add_plugin() (hidden visibility + version script)." >&2
exit 1
