#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Live latency of `sentio analyze - --format jsonl` (bench/engine_latency.sh, bench/engine.md).

Each recording of CORPUS (raw float32 mono 16 kHz files and list.tsv, written by
`sentio_bench_engine write-corpus`) is written to the standard input of its own `sentio analyze -`
process at real-time pace: 100 ms of audio (chunk k = [0.1 k, 0.1 (k + 1)) s) when the clock reaches
0.1 (k + 1) s after the start. Every JSON line is time-stamped as it arrives. Latency of a segment event =
its arrival - the time the chunk holding the segment's last sample was written. Events that arrive after
standard input was closed are counted as "at finish". A segment counts as an inner piece (speaker-change
split) when another segment starts at its end and arrived within 50 ms of it, as cut at max segment when
that other segment arrived later; otherwise it was closed by a pause.

  bench/engine_pace.py --sentio build/sentio --corpus DIR [--recordings N] [--events FILE] [--label TEXT]
                       [-- EXTRA sentio analyze OPTIONS]
Prints one Markdown table row (the columns of sentio_bench_engine latency).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time

RATE = 16000
CHUNK = RATE // 10  # samples per 100 ms


def quantile(v, q):
    if not v:
        return float("nan")
    v = sorted(v)
    k = math.ceil(q * len(v))
    return v[min(len(v) - 1, max(k, 1) - 1)]


def mpm(v):
    if not v:
        return "-"
    return f"{quantile(v, 0.5):.2f} / {quantile(v, 0.9):.2f} / {quantile(v, 1.0):.2f}"


def play(sentio, path, extra):
    """Plays one recording into a fresh `sentio analyze -`; returns (events, push_times, writes_done_at)."""
    data = open(path, "rb").read()
    n_chunks = (len(data) // 4 + CHUNK - 1) // CHUNK
    cmd = [sentio, "analyze", "-", "--input-format", "f32le", "--rate", str(RATE), "--channels", "1",
           "--format", "jsonl", "-q"] + extra
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    push = [0.0] * n_chunks
    state = {"closed_at": None}
    t0 = time.monotonic()

    def writer():
        for k in range(n_chunks):
            target = t0 + 0.1 * (k + 1)
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            push[k] = time.monotonic() - t0
            proc.stdin.write(data[k * CHUNK * 4:(k + 1) * CHUNK * 4])
        state["closed_at"] = time.monotonic() - t0
        proc.stdin.close()

    th = threading.Thread(target=writer)
    th.start()
    events = []
    buf = b""
    fd = proc.stdout.fileno()
    while True:
        block = os.read(fd, 65536)
        now = time.monotonic() - t0
        if not block:
            break
        buf += block
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            obj = json.loads(line)
            if obj.get("type") == "segment":
                closed = state["closed_at"]
                events.append({"start": obj["start"], "end": obj["end"], "wall": now,
                               "at_finish": closed is not None and now >= closed})
    th.join()
    if proc.wait() != 0:
        sys.exit(f"sentio failed on {path}")
    return events, push


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentio", default="build/sentio")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--recordings", type=int, default=0)
    ap.add_argument("--events")
    ap.add_argument("--label", default="sentio analyze -")
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    names = [line.split("\t")[0] for line in open(os.path.join(a.corpus, "list.tsv")) if line.strip()]
    if a.recordings:
        names = names[:a.recordings]
    allv, pause, cut, inner, realtime = [], [], [], [], []
    n_seg = n_fin = 0
    out = open(a.events, "a") if a.events else None
    for name in names:
        events, push = play(a.sentio, os.path.join(a.corpus, name + ".f32"), a.extra)
        for e in events:
            n_seg += 1
            if e["at_finish"]:
                n_fin += 1
                continue
            last = max(0, round(e["end"] * RATE) - 1)
            k = min(len(push) - 1, last // CHUNK)
            lat = e["wall"] - push[k]
            kind = "pause"
            for o in events:
                if abs(o["start"] - e["end"]) < 1e-6:
                    kind = "inner" if abs(o["wall"] - e["wall"]) < 0.05 else ("cut" if o["wall"] > e["wall"] else kind)
            allv.append(lat)
            realtime.append(e["wall"] - e["end"])
            {"pause": pause, "cut": cut, "inner": inner}[kind].append(lat)
            if out:
                out.write(f"{a.label}\t{name}\t{e['start']:.3f}\t{e['end']:.3f}\t{lat:.4f}\t{kind}\n")
    print(f"| {a.label} | {n_seg} ({n_fin}) | {mpm(allv)} | {len(pause)}, {mpm(pause)} | {len(cut)}, {mpm(cut)} | "
          f"{len(inner)}, {mpm(inner)} | {quantile(realtime, 0.5):.2f} / {quantile(realtime, 1.0):.2f} | - |")


if __name__ == "__main__":
    main()
