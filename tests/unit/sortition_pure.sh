#!/bin/sh
# The sortition engine is pure (issue 14): no clock, no I/O, no randomness but its
# seeded lot, no writable globals. Checked on what the compiler made of it, not on its
# text: the undefined symbols of src/sortition/*.c's object files must all be on the
# list below (the solvers' C interfaces, the other pure engines, memory, maths), and
# the objects must define no data that could be written. A call to clock_gettime,
# time, clock, gettimeofday, printf, fopen or getenv, direct or through a macro, fails
# this test; so does an include of <time.h> or <stdio.h> in the sources, the cheap
# early warning.
#
# Usage: sortition_pure.sh SOURCE_DIR OBJECT... (objects may come as one ';'-separated
# argument, as CMake's $<TARGET_OBJECTS:...> gives them).
set -u
src=$1
shift
objs=$(printf '%s\n' "$@" | tr ';' '\n' | grep -v '^$')
fail=0
[ -n "$objs" ] || { echo "sortition_pure: no object files given"; exit 1; }
count=$(printf '%s\n' "$objs" | wc -l)
nsrc=$(ls "$src"/src/sortition/*.c | wc -l)
if [ "$count" -ne "$nsrc" ]; then
  echo "sortition_pure: $count object files for $nsrc sources in src/sortition"
  fail=1
fi

# 1. What the objects call.
allowed='^(Cbc_[A-Za-z]+|Clp_[A-Za-z]+|urne_[a-z_0-9]+|__assert_fail|__stack_chk_fail|__asan_.*|__ubsan_.*|__sanitizer_.*|__tsan_.*|__msan_.*|_GLOBAL_OFFSET_TABLE_|malloc|calloc|realloc|free|memcpy|memmove|memset|memcmp|strlen|strcmp|strncmp|qsort|log|log1p|exp|sqrt|pow|fabs|floor|ceil|nearbyint|llround|lround|round|fmin|fmax)$'
adapters='^urne_(io|store|web|cli|server|audit_io)_'
bad=$(for o in $objs; do nm -u "$o" | awk -v o="$(basename "$o")" '{ print o ": " $NF }'; done |
      awk -v a="$allowed" -v d="$adapters" '{ s = $2; if (s !~ a || s ~ d) print }')
if [ -n "$bad" ]; then
  echo "sortition_pure: the engine calls what a pure engine must not (clock, I/O, randomness, adapters):"
  echo "$bad"
  fail=1
fi

# 2. Writable data: globals or statics, initialised (D, d), zeroed (B, b), common (C),
# small-data (G, g, S, s). Sanitizer and compiler bookkeeping aside.
data=$(for o in $objs; do nm "$o" | awk -v o="$(basename "$o")" '$(NF-1) ~ /^[DdBbCGgSs]$/ { print o ": " $NF }'; done |
       grep -Ev ': (__asan|__ubsan|__odr_asan|__sancov|\.L|___asan|__gcov)' || true)
if [ -n "$data" ]; then
  echo "sortition_pure: the engine defines writable data (globals or statics):"
  echo "$data"
  fail=1
fi

# 3. The sources include no clock and no stdio.
inc=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(time\.h|sys/time\.h|sys/times\.h|stdio\.h|unistd\.h)>' \
      "$src"/src/sortition/*.c "$src"/src/sortition/*.h || true)
if [ -n "$inc" ]; then
  echo "sortition_pure: the engine includes a clock or stdio header:"
  echo "$inc"
  fail=1
fi

if [ "$fail" -eq 0 ]; then
  echo "sortition_pure: $count objects call only the solvers, pure engines, memory and maths; no writable data; no clock or stdio header"
fi
exit "$fail"
