#!/usr/bin/env bash
# The commands docs/plugin-author-guide.md (part two) and the admin guide
# show inside a checkout, run as written: from a folder where build/default
# is this build, so the paths in the docs hold whichever preset runs this.
#   guide_commands.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/checkout/build"
ln -s "$build" "$work/checkout/build/default"
cd "$work/checkout"
export SERVICELENS_PLUGIN_PATH="$build/lib/servicelens/plugins"

build/default/bin/servicelens-plugin-check build/default/lib/servicelens/plugins/email-domain.so \
    --config '{"internal_domains": ["example.com"]}'
build/default/bin/servicelens plugins inspect build/default/lib/servicelens/plugins/email-domain.so
