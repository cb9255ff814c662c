#!/bin/sh
# The initiative engine is pure (issue 18): no clock, no I/O, no writable globals.
# Checked on what the compiler made of src/initiative/*.c, as sortition_pure.sh does
# for sortition: every undefined symbol of the objects on the list below (other
# urne engines, among them count.h's seeded lot; memory and string functions;
# sqrt, which the sample's interval needs; assert), no data that could be
# written, and no clock or stdio header in the sources.
#
# Usage: initiative_pure.sh SOURCE_DIR OBJECT... (or one ';'-separated argument).
set -u
src=$1
shift
objs=$(printf '%s\n' "$@" | tr ';' '\n' | grep -v '^$')
fail=0
[ -n "$objs" ] || { echo "initiative_pure: no object files given"; exit 1; }
count=$(printf '%s\n' "$objs" | wc -l)
nsrc=$(ls "$src"/src/initiative/*.c | wc -l)
if [ "$count" -ne "$nsrc" ]; then
  echo "initiative_pure: $count object files for $nsrc sources in src/initiative"
  fail=1
fi

allowed='^(urne_(initiative|num|phrase|diags|lot)_[a-z_0-9]+|sqrt|__assert_fail|__stack_chk_fail|__asan_.*|__ubsan_.*|__sanitizer_.*|_GLOBAL_OFFSET_TABLE_|memcpy|memmove|memset|memcmp|memchr|strlen|strcmp|strncmp|strcpy|__udivti3|__divti3|__modti3|__umodti3)$'
bad=$(for o in $objs; do nm -u "$o" | awk -v o="$(basename "$o")" '{ print o ": " $NF }'; done |
      awk -v a="$allowed" '{ if ($2 !~ a) print }')
if [ -n "$bad" ]; then
  echo "initiative_pure: the engine calls what a pure engine must not (clock, I/O, allocation, adapters):"
  echo "$bad"
  fail=1
fi

data=$(for o in $objs; do nm "$o" | awk -v o="$(basename "$o")" '$(NF-1) ~ /^[DdBbCGgSs]$/ { print o ": " $NF }'; done |
       grep -Ev ': (__asan|__ubsan|__odr_asan|__sancov|\.L|___asan|__gcov)' || true)
if [ -n "$data" ]; then
  echo "initiative_pure: the engine defines writable data (globals or statics):"
  echo "$data"
  fail=1
fi

inc=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(time\.h|sys/time\.h|stdio\.h|unistd\.h|stdlib\.h)>' \
      "$src"/src/initiative/*.c "$src"/src/initiative/*.h || true)
if [ -n "$inc" ]; then
  echo "initiative_pure: the engine includes a clock, stdio or allocation header:"
  echo "$inc"
  fail=1
fi

if [ "$fail" -eq 0 ]; then
  echo "initiative_pure: $count objects call only urne's engines, strings and assert; no writable data; no clock or stdio header"
fi
exit "$fail"
