#!/usr/bin/env bash
# tests/malloc/preload_compare.sh LIB NAME -- COMMAND...
# Runs COMMAND (a shell snippet, in a fresh scratch directory) with glibc's malloc and again
# with LD_PRELOAD=LIB; passes when both exit 0 with the same stdout and the preloaded run really
# used numamm (NUMAMM_STATS=file:…: every process's exit summary says "state up"; stderr stays
# the program's own, which some test suites check). Exit 77 when the program is
# not installed.
set -uo pipefail
lib=$1 name=$2
shift 3
cmd=$*
need=${cmd%% *}
if ! command -v "$need" >/dev/null; then
  echo "skip: $need is not installed (tools/setup-deps.sh installs it)"
  exit 77
fi
work=$(mktemp -d "/tmp/numamm-preload-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
       GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t \
       HOME=$work LC_ALL=C.UTF-8
mkdir -p "$work/glibc" "$work/numamm"
(cd "$work/glibc" && bash -c "$cmd") >"$work/glibc.out" 2>"$work/glibc.err"; rc_g=$?
(cd "$work/numamm" && LD_PRELOAD=$lib NUMAMM_STATS=file:$work/stats bash -c "$cmd") >"$work/numamm.out" 2>"$work/numamm.err"; rc_n=$?
fail=0
if [ $rc_g -ne 0 ]; then echo "FAIL: the glibc run exited $rc_g"; tail -20 "$work/glibc.err"; fail=1; fi
if [ $rc_n -ne 0 ]; then echo "FAIL: the numamm run exited $rc_n"; grep -v '^\(Node\|kmalloc\|[A-Z][A-Za-z]*:\)' "$work/numamm.err" | tail -20; fail=1; fi
if ! cmp -s "$work/glibc.out" "$work/numamm.out"; then
  echo "FAIL: outputs differ"; diff "$work/glibc.out" "$work/numamm.out" | head -20; fail=1
fi
if ! grep -q "numamm-malloc: state up" "$work/stats"; then
  echo "FAIL: the preloaded run did not use numamm:"; grep numamm "$work/numamm.err" "$work/stats" | head -5; fail=1
fi
if grep -q "invalid pointer\|not freed" "$work/numamm.err" "$work/stats"; then
  echo "FAIL: bad pointers reported:"; grep "invalid pointer\|not freed" "$work/numamm.err" | head -5; fail=1
fi
[ $fail -eq 0 ] && echo "$name: same output ($(wc -l <"$work/glibc.out") lines), numamm up in $(grep -c 'numamm-malloc: state up' "$work/stats") process(es)"
exit $fail
