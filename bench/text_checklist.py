#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Behavioural checklist for the English text-emotion model (in the spirit of CheckList, Ribeiro et al. 2020).

Reads tests/text/data/checklist_en.tsv (category, expected core label, sentence), writes the sentences as a
plain-text transcript (one utterance per line), runs `sentio analyze --transcript FILE -q` once and prints
Markdown: accuracy per category (free choice over the 7 core labels), the most frequent errors and up to
five failing sentences per category.
  bench/text_checklist.py [SENTIO] [--text-model PATH] [--data TSV]
Standard library only.
"""
import argparse
import collections
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LABELS = ("neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise")
CATEGORIES = ("explicit", "negation", "intensifier", "emoji", "casual", "contrast", "situation", "neutral")
# Plain-text transcripts read "Name: text" as a speaker name (include/sentio/text/transcript.hpp);
# this is a slightly broader version of that rule, so that no sentence loses its first words.
SPEAKER_PREFIX = re.compile(r"^\s*(?:-\s*)?([^:\uff1a]{1,40})(?::\s|\uff1a)")
NOT_IN_NAME = set(".,;!?\"()[]{}<>/\\|*=")


def die(msg):
    print(f"text_checklist: error: {msg}", file=sys.stderr)
    sys.exit(2)


def looks_like_speaker(text):
    m = SPEAKER_PREFIX.match(text)
    if not m:
        return False
    words = m.group(1).split()
    return (1 <= len(words) <= 3 and not any(w[0].islower() for w in words)
            and any(c.isalpha() for c in m.group(1)) and not (set(m.group(1)) & NOT_IN_NAME))


def read_items(path):
    items = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != ["category", "expected", "text"]:
            die(f"{path}: header must be 'category<TAB>expected<TAB>text', got {header}")
        for no, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                die(f"{path}:{no}: expected 3 TAB-separated fields, got {len(parts)}")
            cat, exp, text = (p.strip() for p in parts)
            if cat not in CATEGORIES:
                die(f"{path}:{no}: unknown category '{cat}'")
            if exp not in LABELS:
                die(f"{path}:{no}: '{exp}' is not a core label")
            if not text:
                die(f"{path}:{no}: empty text")
            if looks_like_speaker(text):
                die(f"{path}:{no}: would be read as 'Name: text' (speaker prefix): {text}")
            items.append((cat, exp, text))
    return items


def md(text):
    return text.replace("|", "\\|").replace("`", "'")


def pct(k, n):
    return f"{k / n:.3f}" if n else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sentio", nargs="?", default=os.path.join(ROOT, "build", "sentio"))
    ap.add_argument("--text-model", help="passed to sentio analyze")
    ap.add_argument("--data", default=os.path.join(ROOT, "tests", "text", "data", "checklist_en.tsv"))
    args = ap.parse_args()

    items = read_items(args.data)
    if not items:
        die(f"{args.data}: no sentences")

    with tempfile.TemporaryDirectory() as tmp:
        transcript = os.path.join(tmp, "checklist.txt")  # .txt: read as plain text, one utterance per line
        with open(transcript, "w", encoding="utf-8", newline="\n") as f:
            for _, _, text in items:
                f.write(text + "\n")
        cmd = [args.sentio, "analyze", "--transcript", transcript, "-q"]
        if args.text_model:
            cmd += ["--text-model", args.text_model]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            die(f"{' '.join(cmd)} exited with {run.returncode}: {run.stderr.strip()}")
    doc = json.loads(run.stdout)
    text_part = doc.get("text") or {}
    utts = text_part.get("utterances", [])
    if len(utts) != len(items):
        die(f"{len(items)} sentences but {len(utts)} utterances in sentio's output")
    for (_, _, text), u in zip(items, utts):
        if u.get("speaker") or " ".join(text.split()) != u.get("text"):
            die(f"utterance does not match its line: {text!r} -> {u.get('speaker')!r} {u.get('text')!r}")

    shown = [os.path.relpath(c, ROOT) if os.path.isabs(c) and c.startswith(ROOT + os.sep) else c for c in cmd]
    shown[3] = "CHECKLIST.txt"
    model = (text_part.get("model") or {}).get("path", "?")
    if os.path.isabs(model) and model.startswith(ROOT + os.sep):
        model = os.path.relpath(model, ROOT)
    print(f"Command: `{' '.join(shlex.quote(c) for c in shown)}` "
          f"(CHECKLIST.txt: the sentences of `{os.path.relpath(args.data, ROOT)}`, one per line), "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {doc.get('generator', '?')}, "
          f"text model `{model}`.\n")
    print("Accuracy: the utterance's `label` (free choice among the 7 core labels) equals the expected label.\n")

    # Per category and per expected label.
    by_cat = collections.defaultdict(list)
    for (cat, exp, text), u in zip(items, utts):
        by_cat[cat].append((exp, u["label"], u.get("confidence", 0.0), text))
    print("| category | n | correct | accuracy |")
    print("|---|---|---|---|")
    total = correct = 0
    for cat in CATEGORIES:
        rows = by_cat.get(cat, [])
        k = sum(e == p for e, p, _, _ in rows)
        total += len(rows)
        correct += k
        print(f"| {cat} | {len(rows)} | {k} | {pct(k, len(rows))} |")
    macro = [sum(e == p for e, p, _, _ in by_cat[c]) / len(by_cat[c]) for c in CATEGORIES if by_cat.get(c)]
    print(f"| **overall** | {total} | {correct} | **{pct(correct, total)}** |")
    print(f"| mean over categories | | | {sum(macro) / len(macro):.3f} |\n")

    print("By expected label (all categories):\n")
    print("| expected | n | recall | predicted as (count) |")
    print("|---|---|---|---|")
    pairs = [(exp, u["label"]) for (_, exp, _), u in zip(items, utts)]
    for lab in LABELS:
        preds = collections.Counter(p for e, p in pairs if e == lab)
        n = sum(preds.values())
        if n:
            dist = ", ".join(f"{p} {c}" for p, c in preds.most_common())
            print(f"| {lab} | {n} | {pct(preds[lab], n)} | {dist} |")
    pred_counts = collections.Counter(p for _, p in pairs)
    print("\nPredicted labels over all sentences: "
          + ", ".join(f"{lab} {pred_counts[lab]}" for lab in LABELS) + ".\n")

    print("## Errors per category\n")
    print("Most frequent (expected → predicted) errors, then up to five failing sentences (the most confident "
          "wrong calls first; the number is the probability of the wrong label).\n")
    for cat in CATEGORIES:
        rows = by_cat.get(cat, [])
        wrong = [r for r in rows if r[0] != r[1]]
        print(f"### {cat} ({len(wrong)} of {len(rows)} wrong)\n")
        if not wrong:
            print("No errors.\n")
            continue
        conf = collections.Counter((e, p) for e, p, _, _ in wrong)
        print("Errors: " + "; ".join(f"{e} → {p} ×{c}" for (e, p), c in conf.most_common(5)) + ".\n")
        for e, p, c, text in sorted(wrong, key=lambda r: -r[2])[:5]:
            print(f"- `{md(text)}` — expected {e}, got {p} ({c:.2f})")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
