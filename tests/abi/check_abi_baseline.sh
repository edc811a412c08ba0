#!/bin/sh
# Usage: check_abi_baseline.sh BASELINE.xml PROBE.so
# Compares the ABI seen in a fresh build of the probe library against the
# committed baseline with abidiff. Any difference fails: an intended change
# (a minor version appending fields) updates the baseline in the same commit
# with scripts/update-abi-baseline, and tests/abi/layout_x86_64.c with it.
set -u
baseline="$1"
probe="$2"
if ! command -v abidiff >/dev/null 2>&1; then
    echo "abidiff not found: install abigail-tools (scripts/setup does)" >&2
    exit 1
fi
abidiff --no-show-locs "$baseline" "$probe"
status=$?
if [ "$status" -eq 0 ]; then
    echo "ok: the SDK's ABI matches $baseline"
    exit 0
fi
if [ $((status & 3)) -ne 0 ]; then
    echo "FAIL: abidiff could not compare (exit $status)" >&2
elif [ $((status & 8)) -ne 0 ]; then
    echo "FAIL: incompatible ABI change against the baseline: this needs a new major version" >&2
else
    echo "FAIL: the ABI changed against the baseline. If this is an intended minor-version addition," >&2
    echo "      run scripts/update-abi-baseline and commit the new baseline with the change." >&2
fi
exit 1
