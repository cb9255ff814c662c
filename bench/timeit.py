#!/usr/bin/env python3
"""Time commands side by side: timeit.py RUNS LABEL -- CMD... [--- LABEL -- CMD...]

Each run starts every command once, in turn, so that a machine that slows down
for a while slows all of them alike. A command's wall time is measured around
fork, exec and wait with a nanosecond clock (GNU time prints hundredths, too
coarse for a 35 ms run), and its peak memory comes from the kernel's resource
usage of the child (wait4), so nothing else is started per run.

Prints, per command, "LABEL median_s min_s max_rss_mb" on one line, and writes
every run's figures to stderr.
"""
import os
import subprocess
import sys
import time


def parse(argv):
    runs = int(argv[0])
    cmds, cur = [], None
    for a in argv[1:]:
        if a == "---":
            cur = None
        elif cur is None:
            cur = {"label": a, "cmd": [], "times": [], "rss": 0}
            cmds.append(cur)
        elif a == "--" and not cur["cmd"]:
            continue
        else:
            cur["cmd"].append(a)
    return runs, cmds


def run_once(cmd):
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter_ns()
    proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.perf_counter_ns()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    os.close(devnull)
    if proc.returncode != 0:
        sys.exit(f"timeit: {cmd[0]} exited with {proc.returncode}: {err}")
    return (end - start) / 1e9, usage.ru_maxrss, err


def main():
    runs, cmds = parse(sys.argv[1:])
    for _ in range(runs):
        for c in cmds:
            t, rss, err = run_once(c["cmd"])
            c["times"].append(t)
            c["rss"] = max(c["rss"], rss)
            sys.stderr.write(f"{c['label']} {t:.6f} {rss} {err.strip()}\n")
    for c in cmds:
        ts = sorted(c["times"])
        print(f"{c['label']} {ts[len(ts) // 2]:.6f} {ts[0]:.6f} {c['rss'] / 1024:.0f}")


if __name__ == "__main__":
    main()
