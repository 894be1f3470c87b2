#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""eGeMAPS v02 parity of Sentio against openSMILE 3.0.2 reference outputs.

Runs `sentio features` on the corpora whose openSMILE functionals are in ../shared/reference/opensmile and
compares feature by feature: Pearson r across files, median and max relative error, median absolute error.
Also compares LLDs frame by frame for the files that have reference LLD CSVs.

  bench/parity.py [--sentio build/sentio] [--shared ../shared] [--out bench/parity] [--jobs 2]

Writes <out>/functionals_<corpus>.md, <out>/lld.md and prints a summary. Pure Python (no numpy).
"""
import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header = rows[0]
    table = {}
    for r in rows[1:]:
        if not r:
            continue
        table.setdefault(r[0].strip("'"), []).append([float(x) for x in r[2:]])
    return header[2:], table


def pearson(x, y):
    n = len(x)
    if n < 2:
        return float("nan")
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    if sxx == 0 or syy == 0:
        return 1.0 if sxx == syy and all(a == b for a, b in zip(x, y)) else float("nan")
    return sxy / math.sqrt(sxx * syy)


def rel_err(a, b):
    denom = max(abs(b), 1e-12)
    return abs(a - b) / denom


def run_sentio(sentio, files, out_csv, jobs, lld=False):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as lst:
        lst.write("\n".join(files) + "\n")
        list_path = lst.name
    cmd = [sentio, "features", "-q", "-j", str(jobs), list_path, "-o", out_csv]
    if lld:
        cmd[2:2] = ["--set", "egemaps-lld"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    os.unlink(list_path)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"sentio failed ({res.returncode})")


def compare_functionals(names, ours, ref):
    common = sorted(set(ours) & set(ref))
    rows = []
    for j, name in enumerate(names):
        x = [ours[k][0][j] for k in common]
        y = [ref[k][0][j] for k in common]
        rel = [rel_err(a, b) for a, b in zip(x, y)]
        absd = [abs(a - b) for a, b in zip(x, y)]
        rows.append({
            "name": name, "r": pearson(x, y), "med_rel": statistics.median(rel), "max_rel": max(rel),
            "med_abs": statistics.median(absd), "ref_mean": sum(y) / len(y),
        })
    return common, rows


def write_functionals_md(path, corpus, n_files, rows):
    with open(path, "w") as f:
        f.write(f"# eGeMAPS v02 functionals: Sentio vs openSMILE 3.0.2 — {corpus} ({n_files} files)\n\n")
        f.write("| # | feature | Pearson r | median rel. err | max rel. err | median abs. err | ref. mean |\n")
        f.write("|---|---|---|---|---|---|---|\n")
        for i, r in enumerate(rows, 1):
            f.write(f"| {i} | {r['name']} | {r['r']:.5f} | {r['med_rel']:.2e} | {r['max_rel']:.2e} | "
                    f"{r['med_abs']:.3g} | {r['ref_mean']:.4g} |\n")


def summarize(corpus, rows):
    rs = [r["r"] for r in rows if not math.isnan(r["r"])]
    n_r99 = sum(1 for r in rs if r >= 0.99)
    n_med1 = sum(1 for r in rows if r["med_rel"] <= 0.01)
    worst_r = min(rows, key=lambda r: r["r"] if not math.isnan(r["r"]) else -1)
    worst_m = max(rows, key=lambda r: r["med_rel"])
    return (f"{corpus}: r>=0.99 for {n_r99}/88, median rel err <= 1% for {n_med1}/88; "
            f"lowest r {worst_r['r']:.4f} ({worst_r['name']}); largest median rel err "
            f"{worst_m['med_rel']:.3%} ({worst_m['name']})")


def compare_lld(sentio, jobs, shared, out_dir):
    """Frame-by-frame LLD comparison on the synthetic files and the RAVDESS files with reference LLDs."""
    ref_dir = os.path.join(shared, "reference/opensmile")
    pairs = []
    for fn in sorted(os.listdir(os.path.join(ref_dir, "egemaps_v02"))):
        if fn.endswith(".lld.csv"):
            base = fn[:-8]
            pairs.append((os.path.join(ref_dir, "audio", base + ".flac"), os.path.join(ref_dir, "egemaps_v02", fn)))
    rav = os.path.join(ref_dir, "egemaps_v02_ravdess")
    for fn in sorted(os.listdir(rav)):
        if fn.endswith(".lld.csv"):
            base = fn[:-8]
            pairs.append((os.path.join(shared, "data/ser/ravdess/audio", base + ".flac"), os.path.join(rav, fn)))
    pairs = [p for p in pairs if os.path.exists(p[0])]
    with tempfile.TemporaryDirectory() as tmp:
        out_csv = os.path.join(tmp, "lld.csv")
        run_sentio(sentio, [p[0] for p in pairs], out_csv, jobs, lld=True)
        names, ours = read_table(out_csv)
    errs = {n: [] for n in names}
    errs_nz = {n: [] for n in names}
    scale = {n: [] for n in names}
    nrows = 0
    for audio, ref_path in pairs:
        _, ref = read_table(ref_path)
        key = next(iter(ref))
        a, b = ours.get(key, []), ref[key]
        n = min(len(a), len(b))
        nrows += n
        for j, name in enumerate(names):
            for t in range(n):
                errs[name].append(abs(a[t][j] - b[t][j]))
                if a[t][j] != 0 or b[t][j] != 0:
                    errs_nz[name].append(abs(a[t][j] - b[t][j]))
                    scale[name].append(abs(b[t][j]))
    with open(os.path.join(out_dir, "lld.md"), "w") as f:
        f.write(f"# eGeMAPS v02 LLDs frame by frame: Sentio vs openSMILE 3.0.2 ({len(pairs)} files, {nrows} frames)\n\n")
        f.write("Frames where both values are 0 (unvoiced frames of the F0-group LLDs) are left out of the last three columns.\n\n")
        f.write("| LLD | median abs. err, all frames | frames not both 0 | median abs. err | 95th pct abs. err | "
                "median abs. ref value |\n|---|---|---|---|---|---|\n")
        for name in names:
            e = sorted(errs_nz[name])
            p95 = e[int(0.95 * (len(e) - 1))] if e else float("nan")
            f.write(f"| {name} | {statistics.median(errs[name]):.3g} | {len(e)} | {statistics.median(e):.3g} | {p95:.3g} | "
                    f"{statistics.median(scale[name]):.3g} |\n")
    return len(pairs), nrows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--sentio", default=os.path.join(here, "..", "build", "sentio"))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "parity"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-lld", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ref_dir = os.path.join(args.shared, "reference/opensmile")
    corpora = []
    synth = sorted(f for f in os.listdir(os.path.join(ref_dir, "audio")) if f.endswith(".flac"))
    corpora.append(("synthetic", [os.path.join(ref_dir, "audio", f) for f in synth],
                    [os.path.join(ref_dir, "egemaps_v02", f[:-5] + ".func.csv") for f in synth]))
    for corpus, folder in (("ravdess", "ravdess"), ("emodb_2s", "emodb_2s")):
        data = os.path.join(args.shared, "data/ser", folder)
        if not os.path.isdir(data):
            print(f"skipped: {data} not found")
            continue
        with open(os.path.join(data, "manifest.csv")) as f:
            files = [os.path.join(data, r["path"]) for r in csv.DictReader(f)]
        corpora.append((corpus, files, [os.path.join(ref_dir, f"egemaps_v02_{folder}", "all.func.csv")]))
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, files, refs in corpora:
            out_csv = os.path.join(tmp, corpus + ".csv")
            run_sentio(args.sentio, files, out_csv, args.jobs)
            names, ours = read_table(out_csv)
            ref = {}
            for r in refs:
                _, t = read_table(r)
                ref.update(t)
            common, rows = compare_functionals(names, ours, ref)
            write_functionals_md(os.path.join(args.out, f"functionals_{corpus}.md"), corpus, len(common), rows)
            summary.append(summarize(corpus, rows))
    if not args.skip_lld:
        n_files, n_frames = compare_lld(args.sentio, args.jobs, args.shared, args.out)
        summary.append(f"LLD table over {n_files} files / {n_frames} frames: {os.path.join(args.out, 'lld.md')}")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
