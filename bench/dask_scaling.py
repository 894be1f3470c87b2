#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Throughput of sentio.distributed.process_files on local Dask clusters of 1 and 2 worker processes.

eGeMAPS v02 functionals over the RAVDESS files of a manifest (column `path`, relative to the manifest's
folder). One LocalCluster per worker count, each worker process with one thread. Before timing, every
cluster is started, the Sentio plugin is registered and every worker has processed one file. Then the
runs go round the rows (1 worker, 2 workers, for each batch size; then again), so that all rows see the
same load. Per run: wall time of process_files (progress off) and the peak RSS of each worker process
(psutil, sampled every 50 ms). Printed: a Markdown table with the median wall time, files per second,
the speed-up over the first worker count at the same batch size, and the peak RSS of the largest worker
(median over the runs). Every run's DataFrame must equal the first one's. With --in-process, a row for
sentio.Features(jobs=1).process_files in this process (no Dask) shows Dask's own cost.

  PYTHONPATH=build/python /usr/bin/python3 bench/dask_scaling.py --manifest ../shared/data/ser/ravdess/manifest.csv
      [--runs 3] [--limit N] [--workers 1,2] [--batch-sizes 1,16] [--in-process]
"""

import argparse
import csv
import os
import statistics
import sys
import threading
import time

import pandas.testing as pdt
import psutil
from distributed import Client, LocalCluster

import sentio
import sentio.distributed as sd


class RssSampler:
    """Samples the resident set size of some processes in a thread; keeps each one's peak."""

    def __init__(self, pids, interval=0.05):
        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.peak = {pid: 0 for pid in pids}
        self.interval = interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        for pid, proc in self.procs.items():
            try:
                self.peak[pid] = max(self.peak[pid], proc.memory_info().rss)
            except psutil.Error:
                pass

    def _run(self):
        while not self.stop.is_set():
            self._sample()
            self.stop.wait(self.interval)

    def __enter__(self):
        self._sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._sample()


def warm_up(name, path, dask_worker=None):
    """Run on each worker: load the plugin's engine and process one file (models loaded before timing)."""
    dask_worker.plugins[name].get_engine().process_file(path)
    return os.getpid()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", required=True, help="manifest.csv with a column `path` (relative to its folder)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per row (default 3)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (default: all)")
    parser.add_argument("--workers", default="1,2", help="worker process counts, comma-separated (default 1,2)")
    parser.add_argument("--batch-sizes", default="1,16,64", help="files per task, comma-separated (default 1,16,64)")
    parser.add_argument("--in-process", action="store_true",
                        help="also time sentio.Features(jobs=1).process_files in this process (no Dask)")
    args = parser.parse_args()

    folder = os.path.dirname(os.path.abspath(args.manifest))
    with open(args.manifest, newline="") as f:
        paths = [os.path.join(folder, row["path"]) for row in csv.DictReader(f)]
    if args.limit > 0:
        paths = paths[: args.limit]
    counts = [int(w) for w in args.workers.split(",")]
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    options = {"feature_set": "eGeMAPSv02", "level": "functionals"}
    rows = [(w, b) for b in batch_sizes for w in counts]
    walls = {row: [] for row in rows}
    peaks = {row: [] for row in rows}
    reference = None

    def check(df):
        nonlocal reference
        if reference is None:
            reference = df
        else:
            pdt.assert_frame_equal(df, reference)
            assert df.attrs["errors"] == reference.attrs["errors"]

    clusters = {}
    try:
        for w in counts:
            cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            clusters[w] = (cluster, client, [])
            name = sd.register(client, "features", options)
            clusters[w][2].extend(client.run(warm_up, name, paths[0]).values())

        local = sentio.Features(**{**options, "jobs": 1})
        local.process_file(paths[0])  # warm-up
        local_walls, local_peaks = [], []
        for _ in range(args.runs):
            if args.in_process:
                with RssSampler([os.getpid()]) as rss:
                    start = time.perf_counter()
                    df = local.process_files(paths)
                    local_walls.append(time.perf_counter() - start)
                local_peaks.append(max(rss.peak.values()) / 2**20)
                check(df)
            for w, b in rows:
                _, client, pids = clusters[w]
                with RssSampler(pids) as rss:
                    start = time.perf_counter()
                    df = sd.process_files(paths, client, options=options, batch_size=b, progress=False)
                    walls[w, b].append(time.perf_counter() - start)
                peaks[w, b].append(max(rss.peak.values()) / 2**20)
                check(df)
    finally:
        for cluster, client, _ in clusters.values():
            client.close()
            cluster.close()

    failed = len(reference.attrs["errors"])
    print(f"Files: {len(paths)} ({len(paths) - failed} processed, {failed} failed), eGeMAPS v02 functionals, "
          f"{args.runs} runs per row; speed-up over {counts[0]} worker process(es) at the same batch size.")
    print()
    print("| worker processes × threads | files per task | wall s, median (runs) | files/s | speed-up "
          "| peak RSS per worker MiB, median (runs) |")
    print("|---|---|---|---|---|---|")

    def line(label, batch, times, rss, speedup):
        wall = statistics.median(times)
        runs = " ".join(f"{x:.2f}" for x in times)
        rss_runs = " ".join(f"{x:.0f}" for x in rss)
        print(f"| {label} | {batch} | {wall:.2f} ({runs}) | {len(paths) / wall:.1f} | {speedup} | "
              f"{statistics.median(rss):.0f} ({rss_runs}) |")

    if args.in_process:
        line("no Dask: Features(jobs=1).process_files", "all", local_walls, local_peaks, "—")
    for w, b in rows:
        base = statistics.median(walls[counts[0], b])
        line(f"{w} × 1", b, walls[w, b], peaks[w, b], f"{base / statistics.median(walls[w, b]):.2f}")
    if args.in_process:
        print()
        print("The row without Dask is this Python process (its RSS also holds the client, the scheduler and the DataFrames).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
