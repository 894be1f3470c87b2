#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Trust figures of the speech-emotion model, printed as Markdown (called by bench/ser_trust.sh).

  calibration PRED.csv T      reliability of held-out-corpus predictions before/after the output temperature T,
                              and what the uncertainty threshold keeps
  arousal PRED.csv            does predicted arousal rank activated speech above calm speech, per corpus
  grid SENTIO MODEL GRID_DIR  labels of the neutral GRID reads
  speakers SENTIO MODEL RAVDESS_MANIFEST WORK_DIR
                              does a segment's label change with --speakers (1, 2, 3, estimated)?
"""
import csv
import json
import os
import random
import subprocess
import sys
import wave

import numpy as np

CORE = ["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"]
# Circumplex points of the core labels (include/sentio/core/affect.hpp, after Russell 1980).
AROUSAL = {"neutral": 0.0, "happiness": 0.35, "sadness": -0.40, "anger": 0.70, "fear": 0.80, "disgust": 0.35,
           "surprise": 0.85}
HIGH, LOW = {"anger", "fear", "happiness", "surprise"}, {"neutral", "sadness"}


def read_predictions(path, component=None):
    """Rows of one component (default: the first row's, e.g. "mlp" or "linear") over the core labels."""
    rows = list(csv.DictReader(open(path)))
    component = component or rows[0]["component"]
    rows = [r for r in rows if r["component"] == component and r["truth"] in CORE]
    p = np.array([[float(r[c]) for c in CORE] for r in rows])
    y = np.array([CORE.index(r["truth"]) for r in rows])
    corpora = np.array([r["corpus"] for r in rows])
    return p, y, corpora


def scaled(p, t):
    z = np.log(np.maximum(p, 1e-12)) / t
    q = np.exp(z - z.max(1, keepdims=True))
    return q / q.sum(1, keepdims=True)


def calibration(path, t, threshold=0.35):
    p, y, _ = read_predictions(path)
    print("| probabilities | n | mean top probability | accuracy (free choice) | ECE (10 bins) |")
    print("|---|---|---|---|---|")
    for name, q in (("as trained (T = 1)", p), (f"calibrated (T = {float(t):.3f})", scaled(p, float(t)))):
        top, ok = q.max(1), q.argmax(1) == y
        bins = np.minimum((top * 10).astype(int), 9)
        ece = sum(abs(ok[bins == b].mean() - top[bins == b].mean()) * (bins == b).mean() for b in range(10) if (bins == b).any())
        print(f"| {name} | {len(y)} | {top.mean():.3f} | {ok.mean():.3f} | {ece:.3f} |")
    q = scaled(p, float(t))
    top, ok = q.max(1), q.argmax(1) == y
    print()
    print("Calibrated top probability against accuracy (held-out corpora, free choice):")
    print()
    print("| top probability | clips | accuracy |")
    print("|---|---|---|")
    edges = [0, 0.25, 0.30, 0.35, 0.40, 0.50, 0.60, 1.01]
    for lo, hi in zip(edges, edges[1:]):
        m = (top >= lo) & (top < hi)
        if m.any():
            print(f"| {lo:.2f}-{min(hi, 1):.2f} | {m.sum()} | {ok[m].mean():.3f} |")
    keep = top >= threshold
    print()
    print(f"Threshold {threshold}: {keep.mean():.1%} of the held-out clips keep a call, accuracy {ok[keep].mean():.3f}; "
          f"the {1 - keep.mean():.1%} marked uncertain would have been right {ok[~keep].mean():.1%} of the time.")


def auc(pos, neg):
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = np.asarray(pos), np.asarray(neg)
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return greater + 0.5 * ties


def arousal(path):
    p, y, corpora = read_predictions(path)
    a = p @ np.array([AROUSAL[c] for c in CORE])
    truth = np.array([AROUSAL[CORE[i]] for i in y])
    print("| held-out corpus | clips | AUC high vs low arousal | Spearman rho (predicted arousal, class arousal) |")
    print("|---|---|---|---|")
    for corpus in sorted(set(corpora)) + ["all"]:
        m = np.ones(len(y), bool) if corpus == "all" else corpora == corpus
        labels = [CORE[i] for i in y[m]]
        high = [v for v, l in zip(a[m], labels) if l in HIGH]
        low = [v for v, l in zip(a[m], labels) if l in LOW]
        rank = lambda v: np.argsort(np.argsort(v))
        rho = np.corrcoef(rank(a[m]), rank(truth[m]))[0, 1]
        print(f"| {corpus} | {m.sum()} | {auc(high, low):.3f} | {rho:.3f} |")


def analyze(sentio, model, path, *extra):
    out = subprocess.run([sentio, "analyze", "-q", "--speech-model", model, *extra, path], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def grid(sentio, model, folder):
    counts, uncertain, n = {}, 0, 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".mpg"):
            continue
        for s in analyze(sentio, model, os.path.join(folder, name))["speech"]["segments"]:
            counts[s["label"]] = counts.get(s["label"], 0) + 1
            uncertain += s.get("uncertain", False)
            n += 1
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    print(f"| {os.path.basename(model)} | {n} | {shown} | {uncertain} |")


def conversations(manifest, folder, count=8, seed=0):
    """Two-speaker recordings from RAVDESS clips: 8 alternating turns of two actors (same or other gender)."""
    rows = list(csv.DictReader(open(manifest)))
    base = os.path.dirname(manifest)
    by_speaker = {}
    for r in rows:
        by_speaker.setdefault(r["speaker"], []).append(r)
    rng = random.Random(seed)
    speakers = sorted(by_speaker)
    paths = []
    os.makedirs(folder, exist_ok=True)
    for k in range(count):
        a, b = rng.sample(speakers, 2)
        out = os.path.join(folder, f"conversation_{k}.wav")
        parts = []
        for turn in range(8):
            r = rng.choice(by_speaker[a if turn % 2 == 0 else b])
            pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(base, r["path"]), "-ac", "1", "-ar", "16000",
                                  "-f", "s16le", "-"], check=True, capture_output=True).stdout
            parts.append(pcm + b"\0\0" * 16000)  # 1 s pause
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(b"".join(parts))
        paths.append(out)
    return paths


def speakers(sentio, model, manifest, folder):
    settings = ["1", "2", "3", "0"]
    changed, total = {s: 0 for s in settings[1:]}, 0
    for path in conversations(manifest, folder):
        labels = {}
        for s in settings:
            segs = analyze(sentio, model, path, "--speakers", s)["speech"]["segments"]
            labels[s] = {round(g["start"], 2): g["label"] for g in segs}
        base = labels["1"]
        total += len(base)
        for s in settings[1:]:
            changed[s] += sum(1 for t, l in base.items() if t in labels[s] and labels[s][t] != l)
    cells = " | ".join(f"{changed[s] / total:.1%}" for s in settings[1:])
    print(f"| {os.path.basename(model)} | {total} | {cells} |")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"calibration": calibration, "arousal": arousal, "grid": grid, "speakers": speakers}[command](*args)
