#!/usr/bin/env bash
# Which shared libraries `urne` loads (issue 16): a count, `--version` and `--help`
# load libc and libm only (no C++, no COIN-OR, no BLAS or LAPACK, no libpq, no
# libmicrohttpd), since every library loaded costs page faults before main on every
# run; a draw opens COIN-OR when it makes its first model (src/cli/coin_lazy.c) and
# still draws. Run only for the build that opens them lazily (URNE_STATIC, CMake's
# default); glibc's LD_DEBUG=files lists what the loader maps.
set -u
. "$(dirname "$0")/lib.sh" "$@"

lazy='libstdc\+\+|libCbc|libClp|libCoinUtils|libopenblas|liblapack|libblas|libpq|libmicrohttpd|libgfortran'

# loaded ARGS... : urne run under LD_DEBUG=files; the libraries it mapped in $tmp/libs
loaded() {
  LD_DEBUG=files "$urne" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  sed -n 's/.*file=\([^ ]*\) \[0\];  generating link map.*/\1/p' "$tmp/err" >"$tmp/libs"
}

for args in "--version" "--help" "count --method stv --rule scottish $src/examples/board-stv.txt" \
            "count --method schulze,irv,borda $src/examples/board-stv.txt"; do
  # shellcheck disable=SC2086
  loaded $args
  if [ "$rc" -eq 0 ]; then ok; else ko "urne $args exited $rc"; fi
  if grep -q 'libc\.so' "$tmp/libs"; then ok; else ko "urne $args: LD_DEBUG=files listed no library (is this glibc?)"; fi
  if ! grep -Eq "$lazy" "$tmp/libs"; then ok; else ko "urne $args loaded $(grep -E "$lazy" "$tmp/libs" | tr '\n' ' ')"; fi
  if [ "$(grep -cv -E '^(libc|libm)\.so' "$tmp/libs")" -eq 0 ]; then ok; else
    ko "urne $args loaded more than libc and libm: $(tr '\n' ' ' <"$tmp/libs")"; fi
done

s=$data/sortition/example_small_20
loaded sortition draw --pool "$s/respondents.csv" --quotas "$s/categories.csv" --size 20 --seed 4271 --out "$tmp/d"
if [ "$rc" -eq 0 ] && [ -s "$tmp/d/panel.csv" ]; then ok; else ko "the draw failed ($rc): $(grep -v '^ *[0-9]*:' "$tmp/err" | head -3)"; fi
if grep -q 'libCbcSolver' "$tmp/libs"; then ok; else ko "the draw did not open COIN-OR's libCbcSolver"; fi

summary cli.startup_libraries
