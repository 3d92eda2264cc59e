#!/usr/bin/env bash
# tests/vm/expect-guest-failure.sh - run a guest test that must fail; pass only if it does, loudly.
#
# Usage: expect-guest-failure.sh REGEX run-guest ARGS...
# Passes when run-guest exits 1 (what ctest sees as a failure) AND its failure report - the part
# after "guest output of failing programs" - contains a line matching REGEX (grep -E), i.e. the
# guest's own message reached the host log. A skip (77) stays a skip; anything else fails: a
# guest that passes, times out silently or crashes without the message is a broken harness.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: expect-guest-failure.sh REGEX COMMAND..." >&2; exit 2; }
regex=$1; shift
log=$(mktemp "${TMPDIR:-/tmp}/expect-guest-failure.XXXXXX")
trap 'rm -f "$log"' EXIT

"$@" | tee "$log"
rc=${PIPESTATUS[0]}
[ $rc -eq 77 ] && exit 77
if [ $rc -ne 1 ]; then
	echo "NEGATIVE CONTROL FAILED: the guest test should have failed with exit status 1, got $rc"
	exit 1
fi
if ! sed -n '/guest output of failing programs/,$p' "$log" | grep -Eq -- "$regex"; then
	echo "NEGATIVE CONTROL FAILED: the failure report lacks the guest's message /$regex/"
	exit 1
fi
echo "negative control OK: the guest failure propagated (exit 1) with the guest's message"
exit 0
