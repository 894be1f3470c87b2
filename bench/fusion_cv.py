#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Design check of the fusion fit on the TRAIN split only (the test split is never read): actor-grouped
4-fold cross-validation of fit_fusion with and without the per-modality prior correction.

Re-implements the pool and the fit of src/analysis/fusion.cpp in Python (same grids, same tie rules) on the
evidence cache that `sentio train fusion --evidence FILE` writes (bench/fusion.sh:
.cache/bench/fusion/out/train_evidence.jsonl). Prints, per variant, the mean over folds of the held-out
accuracy on clips with all three modalities: fused, fused without words, best single modality, and each
modality alone vs the fused call when it is the only one present.
Usage: bench/fusion_cv.py [TRAIN_CSV] [EVIDENCE_JSONL]
"""
import csv
import json
import math
import os
import sys

MODALITIES = ["voice", "face", "words"]
K = 7
LABELS = ["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"]
FLOOR = 1e-6


def load(csv_path, evidence_path):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(evidence_path) as f:
        lines = f.read().splitlines()[1:]
    out = []
    for r, line in zip(rows, lines):
        j = json.loads(line)
        if "error" in j:
            continue
        ev = {m: (j["evidence"][m]["probabilities"], j["evidence"][m]["quality"]) for m in MODALITIES if m in j["evidence"]}
        out.append((ev, LABELS.index(r["label"]), r["speaker"]))
    return out


def calibrated_log(p, t, prior=None):
    lv = [math.log(max(x, FLOOR)) / t for x in p]
    if prior:
        lv = [a - math.log(max(b, FLOOR)) for a, b in zip(lv, prior)]
    mx = max(lv)
    lse = mx + math.log(sum(math.exp(v - mx) for v in lv))
    return [v - lse for v in lv]


def fuse(ev, model):
    temps, rel, priors = model
    total = sum(rel[i] * max(1e-3, ev[m][1]) for i, m in enumerate(MODALITIES) if m in ev)
    pooled = [0.0] * K
    for i, m in enumerate(MODALITIES):
        if m not in ev:
            continue
        w = rel[i] * max(1e-3, ev[m][1]) / total
        lv = calibrated_log(ev[m][0], temps[i], priors[i] if priors and len(ev) > 1 else None)
        pooled = [a + w * b for a, b in zip(pooled, lv)]
    return max(range(K), key=lambda c: pooled[c])


def fit(examples, with_prior):
    priors = None
    if with_prior:
        priors = []
        for m in MODALITIES:
            calls = [e[0][m][0] for e in examples if m in e[0]]
            mean = [max(sum(p[c] for p in calls) / len(calls), FLOOR) for c in range(K)]
            priors.append([v / sum(mean) for v in mean])
    temps = []
    for i, m in enumerate(MODALITIES):
        best = (float("inf"), 1.0)
        for g in range(121):
            t = 0.05 * 400 ** (g / 120)
            present = [(ev, y) for ev, y, _ in examples if m in ev]
            nll = -sum(calibrated_log(ev[m][0], t, priors[i] if priors else None)[y] for ev, y in present) / len(present)
            if nll < best[0] - 1e-12:
                best = (nll, t)
        temps.append(best[1])
    variants = []
    for ev, y, _ in examples:
        variants.append((ev, y))
        if len(ev) >= 2:
            variants += [({k: v for k, v in ev.items() if k != m}, y) for m in ev]
    grid = [2 ** (k / 2) for k in range(-6, 7)]
    best = None
    for rf in grid:
        for rw in grid:
            model = (temps, [1.0, rf, rw], priors)
            correct = sum(fuse(ev, model) == y for ev, y in variants)
            key = (-correct, abs(math.log(rf)) + abs(math.log(rw)))  # (NLL tie-break omitted: ties are rare)
            if best is None or key < best[0]:
                best = (key, model)
    return best[1]


def share(pairs):
    pairs = list(pairs)
    return sum(pairs) / len(pairs) if pairs else float("nan")


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    csv_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, ".cache/bench/fusion/train.csv")
    ev_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, ".cache/bench/fusion/out/train_evidence.jsonl")
    data = load(csv_path, ev_path)
    actors = sorted({s for _, _, s in data})
    folds = [actors[i::4] for i in range(4)]
    print("actor-grouped 4-fold CV on %s (%d clips, %d actors)" % (os.path.basename(csv_path), len(data), len(actors)))
    for with_prior in (False, True):
        acc = {k: [] for k in ("fused", "no_words", "best_single") + tuple("fused_only_" + m for m in MODALITIES)
               + tuple("alone_" + m for m in MODALITIES)}
        for held in folds:
            train = [e for e in data if e[2] not in held]
            test = [e for e in data if e[2] in held]
            model = fit(train, with_prior)
            full = [(ev, y) for ev, y, _ in test if len(ev) == 3]
            acc["fused"].append(share(fuse(ev, model) == y for ev, y in full))
            acc["no_words"].append(share(fuse({k: v for k, v in ev.items() if k != "words"}, model) == y for ev, y in full))
            acc["best_single"].append(max(share(max(range(K), key=lambda c: ev[m][0][c]) == y for ev, y in full)
                                          for m in MODALITIES))
            for m in MODALITIES:
                rows = [(ev, y) for ev, y, _ in test if m in ev]
                acc["fused_only_" + m].append(share(fuse({m: ev[m]}, model) == y for ev, y in rows))
                acc["alone_" + m].append(share(max(range(K), key=lambda c: ev[m][0][c]) == y for ev, y in rows))
        mean = {k: sum(v) / len(v) for k, v in acc.items()}
        print("%-14s fused %.3f  without words %.3f  best single %.3f  one present fused/alone: %s"
              % ("with prior" if with_prior else "without prior", mean["fused"], mean["no_words"], mean["best_single"],
                 ", ".join("%s %.3f/%.3f" % (m, mean["fused_only_" + m], mean["alone_" + m]) for m in MODALITIES)))


if __name__ == "__main__":
    main()
