#!/bin/sh
# Usage: expect.sh EXIT_CODE PATTERN COMMAND [ARG...]
# Runs COMMAND and passes when it exits with EXIT_CODE and its combined
# output matches the extended regular expression PATTERN.
set -u
want_code="$1"; pattern="$2"; shift 2
output=$("$@" 2>&1)
code=$?
status=0
if [ "$code" -ne "$want_code" ]; then
    echo "FAIL: exit code $code, expected $want_code: $*" >&2; status=1
fi
if ! printf '%s\n' "$output" | grep -Eq -- "$pattern"; then
    echo "FAIL: output does not match /$pattern/: $*" >&2; status=1
fi
if [ "$status" -ne 0 ]; then printf -- '--- output ---\n%s\n' "$output" >&2; fi
exit "$status"
