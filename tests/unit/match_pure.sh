#!/bin/sh
# The matching engine is pure (issue 20): no clock, no I/O, no writable globals.
# Checked on what the compiler made of src/match/*.c, as initiative_pure.sh does for
# the initiative engine, except that matching a million pupils needs the heap: the
# undefined symbols may be urne's own, memory and string functions, qsort and assert;
# no data that could be written; no clock or stdio header in the sources.
#
# Usage: match_pure.sh SOURCE_DIR OBJECT... (or one ';'-separated argument).
set -u
src=$1
shift
objs=$(printf '%s\n' "$@" | tr ';' '\n' | grep -v '^$')
fail=0
[ -n "$objs" ] || { echo "match_pure: no object files given"; exit 1; }
count=$(printf '%s\n' "$objs" | wc -l)
nsrc=$(ls "$src"/src/match/*.c | wc -l)
if [ "$count" -ne "$nsrc" ]; then
  echo "match_pure: $count object files for $nsrc sources in src/match"
  fail=1
fi

allowed='^(urne_match_[a-z_0-9]+|malloc|calloc|realloc|free|qsort|__assert_fail|__stack_chk_fail|__asan_.*|__ubsan_.*|__sanitizer_.*|_GLOBAL_OFFSET_TABLE_|memcpy|memmove|memset|memcmp|strlen|strcmp|__udivti3|__umodti3)$'
bad=$(for o in $objs; do nm -u "$o" | awk -v o="$(basename "$o")" '{ print o ": " $NF }'; done |
      awk -v a="$allowed" '{ if ($2 !~ a) print }')
if [ -n "$bad" ]; then
  echo "match_pure: the engine calls what a pure engine must not (clock, I/O, adapters):"
  echo "$bad"
  fail=1
fi

data=$(for o in $objs; do nm "$o" | awk -v o="$(basename "$o")" '$(NF-1) ~ /^[DdBbCGgSs]$/ { print o ": " $NF }'; done |
       grep -Ev ': (__asan|__ubsan|__odr_asan|__sancov|\.L|___asan|__gcov)' || true)
if [ -n "$data" ]; then
  echo "match_pure: the engine defines writable data (globals or statics):"
  echo "$data"
  fail=1
fi

inc=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(time\.h|sys/time\.h|stdio\.h|unistd\.h)>' \
      "$src"/src/match/*.c "$src"/src/match/*.h || true)
if [ -n "$inc" ]; then
  echo "match_pure: the engine includes a clock or stdio header:"
  echo "$inc"
  fail=1
fi

if [ "$fail" -eq 0 ]; then
  echo "match_pure: $count objects call only the engine, memory, strings, qsort and assert; no writable data; no clock or stdio header"
fi
exit "$fail"
