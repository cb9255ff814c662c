#!/usr/bin/env python3
"""The peer of bench/match.sh: pupil-proposing deferred acceptance written
plainly in Python (dicts and heaps), on the same files, as a school or a
department would script it without urne. Common priority and the given or a
seeded lottery; no reserves, weeks or explanations (less work than urne's run).

  match_peer.py HOSTS.csv PUPILS.csv   prints: placed SECONDS
"""
import csv
import heapq
import random
import sys
import time


def main():
    start = time.perf_counter()
    with open(sys.argv[1], newline="") as f:
        capacity = {row["id"]: int(row["capacity"]) for row in csv.DictReader(f)}
    with open(sys.argv[2], newline="") as f:
        pupils = [(row["id"], row["wishes"].split(">"), int(row.get("priority") or 0)) for row in csv.DictReader(f)]
    rng = random.Random(1)
    lottery = list(range(len(pupils)))
    rng.shuffle(lottery)
    key = [(-p[2], lottery[i]) for i, p in enumerate(pupils)]
    held = {h: [] for h in capacity}
    nxt = [0] * len(pupils)
    free = list(range(len(pupils) - 1, -1, -1))
    while free:
        p = free.pop()
        wishes = pupils[p][1]
        while nxt[p] < len(wishes):
            h = wishes[nxt[p]]
            heap = held[h]
            k = key[p]
            if len(heap) < capacity[h]:
                heapq.heappush(heap, (-k[0], -k[1], p))
                break
            if capacity[h] and (-heap[0][0], -heap[0][1]) > k:
                _, _, out = heapq.heapreplace(heap, (-k[0], -k[1], p))
                nxt[out] += 1
                free.append(out)
                break
            nxt[p] += 1
    placed = sum(len(v) for v in held.values())
    print(placed, "%.3f" % (time.perf_counter() - start))


if __name__ == "__main__":
    main()
