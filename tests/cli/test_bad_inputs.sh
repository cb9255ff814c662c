#!/usr/bin/env bash
# Every broken file in DIR is rejected by `urne ARGS... FILE` with exit 1, nothing on
# stdout, and exactly the messages of its .expect file (FILE:LINE, field and rule).
# Usage: test_bad_inputs.sh URNE DIR ARGS...
set -u
urne=$(realpath "$1")
dir=$2
shift 2
cd "$dir" || exit 1
passed=0 failed=0
err=$(mktemp)
for f in *; do
  case "$f" in *.expect|*.md) continue ;; esac
  expect="${f%.*}.expect"
  [ -f "$expect" ] || { echo "FAIL $f: no $expect"; failed=$((failed+1)); continue; }
  out=$("$urne" "$@" "$f" 2>"$err")
  rc=$?
  msgs=$(grep -v ': rejected: ' "$err")
  if [ "$rc" -ne 1 ]; then echo "FAIL $f: exit $rc, expected 1"; failed=$((failed+1)); continue; fi
  if [ -n "$out" ]; then echo "FAIL $f: wrote to stdout"; failed=$((failed+1)); continue; fi
  if ! grep -q "^$f: rejected: " "$err"; then echo "FAIL $f: no 'rejected' summary"; failed=$((failed+1)); continue; fi
  if [ "$msgs" != "$(cat "$expect")" ]; then
    echo "FAIL $f: messages differ"; diff <(echo "$msgs") "$expect"; failed=$((failed+1)); continue
  fi
  passed=$((passed+1))
done
rm -f "$err"
echo "bad inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
