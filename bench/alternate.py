#!/usr/bin/env python3
"""Alternates commands with as little harness in the way as possible: fork, exec, wait4.

Each command runs `runs` times (after 2 warm-up rounds), the order rotated every round; the wall
time is the child's from fork to reaping, its CPU time (user + system, threads included) from
wait4's rusage. NODE_EXTRA_CA_CERTS is unset (see bench/lib.ts). Prints medians, as ratios against
the first command.

    python3 bench/alternate.py RUNS devnull|pipe NETNS -- COMMAND [-- COMMAND ...]

NETNS: run every command with `ip netns exec NETNS` ("-" for none). devnull: the child's stdout
goes to /dev/null; pipe: to a pipe this script drains (as a caller capturing the output would).
A command that exits non-zero stops the run. Started by bench/probe-alternate.ts.
"""
import os
import statistics
import sys
import time


def main(argv):
    if len(argv) < 5 or argv[3] != "--" or argv[1] not in ("devnull", "pipe"):
        sys.exit(__doc__)
    runs, mode, netns = int(argv[0]), argv[1], argv[2]
    commands, current = [], []
    for a in argv[4:]:
        if a == "--":
            commands.append(current)
            current = []
        else:
            current.append(a)
    commands.append(current)
    env = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    prefix = [] if netns == "-" else ["ip", "netns", "exec", netns]
    wall = [[] for _ in commands]
    cpu = [[] for _ in commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for i in range(runs + 2):
        order = list(range(len(commands)))
        order = order[i % len(order):] + order[:i % len(order)]
        for k in order:
            argv_k = prefix + commands[k]
            r, w = os.pipe() if mode == "pipe" else (None, None)
            t0 = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                os.dup2(w if mode == "pipe" else devnull, 1)
                os.execvpe(argv_k[0], argv_k, env)
            if mode == "pipe":
                os.close(w)
                while os.read(r, 65536):
                    pass
                os.close(r)
            _, status, usage = os.wait4(pid, 0)
            ms = (time.perf_counter() - t0) * 1000
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"failed: {' '.join(commands[k])} (exit {os.waitstatus_to_exitcode(status)})")
            if i >= 2:
                wall[k].append(ms)
                cpu[k].append((usage.ru_utime + usage.ru_stime) * 1000)
    print(f"{runs} runs each, alternated (order rotated each round), medians; stdout to {mode}; NODE_EXTRA_CA_CERTS unset")
    w0, c0 = statistics.median(wall[0]), statistics.median(cpu[0])
    for k, c in enumerate(commands):
        w, p = statistics.median(wall[k]), statistics.median(cpu[k])
        print(f"wall {w:7.1f} ms {w / w0:6.3f}x   cpu {p:7.1f} ms {p / c0:6.3f}x   {' '.join(c)[:90]}")


if __name__ == "__main__":
    main(sys.argv[1:])
