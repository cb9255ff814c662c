#!/usr/bin/env bash
# Every broken file in tests/bad is rejected with exit 1, nothing on stdout, and
# exactly the messages of its .expect file (which name FILE:LINE, field and rule).
set -u
urne=$(realpath "$1")
bad=$2/tests/bad
cd "$bad" || exit 1
passed=0 failed=0
for f in *.txt *.csv; do
  expect="${f%.*}.expect"
  out=$("$urne" results tally "$f" 2>/tmp/urne-bad-$$.err)
  rc=$?
  err=$(grep -v ': rejected: ' /tmp/urne-bad-$$.err)
  if [ "$rc" -ne 1 ]; then echo "FAIL $f: exit $rc, expected 1"; failed=$((failed+1)); continue; fi
  if [ -n "$out" ]; then echo "FAIL $f: wrote to stdout"; failed=$((failed+1)); continue; fi
  if ! grep -q "^$f: rejected: " /tmp/urne-bad-$$.err; then echo "FAIL $f: no 'rejected' summary"; failed=$((failed+1)); continue; fi
  if [ "$err" != "$(cat "$expect")" ]; then
    echo "FAIL $f: messages differ"; diff <(echo "$err") "$expect"; failed=$((failed+1)); continue
  fi
  passed=$((passed+1))
done
rm -f /tmp/urne-bad-$$.err
echo "bad inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
