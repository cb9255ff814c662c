"""A seeded synthetic sortition instance shaped like the paper's: N volunteers, C
categories of 2 to 5 features, volunteers skewed against the population shares the
quotas follow (some groups over-volunteer). Usage: gen_pool.py N K C SEED OUTDIR"""
import os
import random
import sys

n, k, ncat, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
cats = []
for c in range(ncat):
    nf = rng.randint(2, 5)
    share = [rng.random() + 0.3 for _ in range(nf)]
    tot = sum(share)
    share = [s / tot for s in share]
    skew = [s * (0.4 + 1.2 * rng.random()) for s in share]  # who volunteers
    cats.append((f"cat{c + 1}", [f"f{c + 1}_{i + 1}" for i in range(nf)], share, skew))
with open(os.path.join(out, "categories.csv"), "w") as f:
    f.write("category,feature,min,max\n")
    for name, feats, share, _ in cats:
        for feat, s in zip(feats, share):
            target = s * k
            f.write(f"{name},{feat},{max(0, int(target * 0.85))},{int(target * 1.15) + 1}\n")
with open(os.path.join(out, "respondents.csv"), "w") as f:
    f.write(",".join(name for name, *_ in cats) + "\n")
    for _ in range(n):
        f.write(",".join(rng.choices(feats, weights=skew)[0] for _, feats, _, skew in cats) + "\n")
