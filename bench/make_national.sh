#!/usr/bin/env bash
# Build a national-scale per-bureau file in the Ministry's official layout (latin-1,
# ';', CRLF, one-group header) from the 1,287 Rhône bureaux: COPIES copies, each under
# a new département code, so ~70,000 bureaux with 11 candidates. Deterministic.
set -eu
src=$1
out=$2
copies=${3:-55}
LC_ALL=C awk -v copies="$copies" 'BEGIN { FS = OFS = ";" }
  NR == 1 { header = $0; next }
  { rows[++n] = $0 }
  END {
    printf "%s\n", header
    for (c = 1; c <= copies; c++)
      for (i = 1; i <= n; i++) {
        split(rows[i], f, ";")
        f[1] = sprintf("%03d", c)        # new département code
        line = f[1]
        for (k = 2; k <= length(f); k++) line = line ";" f[k]
        printf "%s\n", line
      }
  }' "$src" > "$out"
