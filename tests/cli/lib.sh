# Helpers for the command-line tests: run urne, check its exit status, its output and
# its JSON. Sourced with the test's own arguments, `. lib.sh "$@"` (the urne binary,
# the source tree): sets $urne, $src, $data (the shared real files) and $tmp (a
# scratch directory, removed on exit).
urne=$(realpath "$1")
src=$2
data=$src/../shared/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed+1)); }
ko() { echo "FAIL: $*"; failed=$((failed+1)); }

# expect_rc RC ARGS... : run urne, require exit status RC; output in $tmp/out, $tmp/err
expect_rc() {
  local want=$1; shift
  "$urne" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "urne $* exited $rc, expected $want: $(head -3 "$tmp/err")"; fi
}

# has out|err TEXT : the last run's stdout or stderr contains TEXT
has() { if grep -qF -- "$2" "$tmp/$1"; then ok; else ko "$1 lacks '$2'"; fi; }

# json EXPR EXPECTED : a Python expression over the JSON in $tmp/out (as d), by its repr
json() {
  local got
  got=$(python3 -c "import json,sys; d=json.load(open('$tmp/out')); print(repr(($1)))" 2>&1)
  if [ "$got" = "$2" ]; then ok; else ko "json $1 = '$got', expected '$2'"; fi
}

# summary NAME : print the closing line and fail when anything failed
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
