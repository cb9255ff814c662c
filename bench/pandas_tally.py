"""The peer: what a data journalist does with pandas to get national totals from the
Ministry's per-bureau file. The official header names one candidate group while rows
carry eleven, so the columns are read by position. Prints the totals and the seconds
spent inside pandas (read + sums), so the run can be checked against urne's."""
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402

t1 = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=";", encoding="latin-1", header=None, skiprows=1, decimal=",",
                 dtype={0: str, 2: str, 4: str, 6: str})
fixed = {"inscrits": 7, "votants": 10, "blancs": 12, "nuls": 15, "exprimes": 18}
totals = {k: int(df[c].sum()) for k, c in fixed.items()}
ngroups = (df.shape[1] - 21) // 7
for g in range(ngroups):
    name = f"{df[24 + 7 * g].iloc[0]} {df[23 + 7 * g].iloc[0]}"
    totals[name] = int(df[25 + 7 * g].sum())
t2 = time.perf_counter()
for k, v in totals.items():
    print(f"{k};{v}")
print(f"pandas_import_s;{t1 - t0:.3f}", file=sys.stderr)
print(f"pandas_read_sum_s;{t2 - t1:.3f}", file=sys.stderr)
