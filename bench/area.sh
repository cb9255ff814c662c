#!/usr/bin/env bash
# make bench-AREA: run one area's benchmarks. An area's entry is bench/AREA.sh; any
# bench/AREA-*.sh (one per further target or peer, written alongside) runs after it,
# in name order. An area with neither says so in one line and succeeds.
# Usage: bench/area.sh AREA URNE
set -eu
area=$1
urne=$2
here=$(cd "$(dirname "$0")" && pwd)
found=0
for s in "$here/$area.sh" "$here/$area"-*.sh; do
  [ -f "$s" ] || continue
  found=1
  bash "$s" "$urne"
done
[ "$found" = 1 ] || echo "bench: area '$area' has no benchmark yet (no bench/$area.sh)"
