"""Seeded ranked ballots for `make bench`, as a BLT file: one line per voter (weight 1),
rankings drawn from a Plackett-Luce model with fixed candidate strengths, truncated at
random, so that distinct rankings are many but not all different (like real elections).
Usage: gen_ballots.py CANDIDATES BALLOTS SEATS SEED OUT"""
import random
import sys

ncand, nballots, seats, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = random.Random(seed)
strength = [rng.random() ** 2 + 0.05 for _ in range(ncand)]
with open(out, "w") as f:
    f.write(f"{ncand} {seats}\n")
    for _ in range(nballots):
        left = list(range(ncand))
        w = [strength[c] for c in left]
        length = rng.randint(1, ncand) if rng.random() < 0.6 else ncand
        ranking = []
        for _ in range(length):
            c = rng.choices(range(len(left)), weights=w)[0]
            ranking.append(left.pop(c) + 1)
            w.pop(c)
        f.write("1 " + " ".join(map(str, ranking)) + " 0\n")
    f.write("0\n")
    for c in range(ncand):
        f.write(f'"Candidate {c + 1}"\n')
    f.write(f'"bench {ncand}x{nballots} seed {seed}"\n')
