#!/usr/bin/env python3
"""Generate a matching instance as a département's platform would hold it:
hosts.csv and pupils.csv in OUT_DIR.

  gen_match.py PUPILS HOSTS WISHES SEED OUT_DIR

Host popularity follows a Zipf law (a few hosts most pupils want, as real wishes
are), capacities drawn so that there are about 1.1 places per pupil in all, a fifth of the hosts offering two of six weeks, one in
ten holding a place for priority pupils; a quarter of the pupils are from REP
(priority 1) or REP+ (priority 2) schools; each pupil has a week or none.
Names and communes are kept columns, as the issue's files have them.
"""
import bisect
import itertools
import os
import random
import sys


def main():
    npupils, nhosts, nwishes, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    weeks = ["2027-W%02d" % w for w in range(3, 9)]
    mean = max(1.0, 1.1 * npupils / nhosts)
    with open(os.path.join(out, "hosts.csv"), "w") as f:
        f.write("id,capacity,reserved,weeks,name,commune,domain\n")
        for h in range(nhosts):
            cap = rng.randint(1, max(1, int(2 * mean - 1)))
            res = 1 if rng.random() < 0.1 else 0
            wk = "|".join(sorted(rng.sample(weeks, 2))) if rng.random() < 0.2 else ""
            f.write("H%06d,%d,%d,%s,Structure %d,Commune %d,%s\n" % (h, cap, res, wk, h, h % 300,
                    rng.choice(["secrétariat", "vente", "insertion", "logistique", "encadrement technique"])))
    weights = list(itertools.accumulate(1.0 / (r + 1) ** 0.8 for r in range(nhosts)))
    total = weights[-1]
    with open(os.path.join(out, "pupils.csv"), "w") as f:
        f.write("id,wishes,priority,week,school\n")
        for p in range(npupils):
            wished, seen = [], set()
            k = min(nwishes, nhosts)
            while len(wished) < k:
                h = bisect.bisect_left(weights, rng.random() * total)
                if h not in seen:
                    seen.add(h)
                    wished.append("H%06d" % h)
            u = rng.random()
            prio = 2 if u < 0.08 else 1 if u < 0.25 else 0
            week = rng.choice(weeks) if rng.random() < 0.7 else ""
            f.write("P%07d,%s,%d,%s,Collège %d\n" % (p, ">".join(wished), prio, week, p % 500))


if __name__ == "__main__":
    main()
