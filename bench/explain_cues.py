#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Explanation cues on a changed voice (issue 12's explanation target; bench/explain_cues.md).

For each RAVDESS actor, one recording of that actor's neutral and calm sentences spoken at normal intensity
(8 clips: 2 sentences x 2 repetitions x {neutral, calm}; the clip order seeded) with 0.8 s pauses between them; one clip (seeded) is made 10 dB louder and 4 semitones higher
(FFmpeg: volume=10dB, rubberband pitch shift with formants preserved; the recording is written as 32-bit
float WAV so that nothing clips). Each recording goes through `sentio analyze --speaker-mode single`; the
moment whose speech overlaps the changed clip most is the "changed" moment, the moments over the other
clips are "unchanged".

Scored, over all recordings:
  - changed moments with a `loudness` cue, z >= 1, direction higher; likewise `pitch`; both at once;
    explanations that say "louder" and "higher";
  - unchanged moments flagged: a `loudness` or `pitch` cue with |z| >= 1 (any direction), and separately
    flagged as louder or higher (the direction of the change).
Split by actor: "dev" = actors 1-12 (for choosing thresholds), "test" = actors 13-24 (reported only).
  bench/explain_cues.py [--shared DIR] [--sentio build/sentio] [--out DIR] [--split dev|test|all] [--seed S]
Uses only the Python standard library and the ffmpeg command.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import wave

GAIN_DB = 10.0
SEMITONES = 4.0
RATE = 16000
PAUSE_S = 0.8


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr.decode(errors='replace')[-2000:]}")
    return r.stdout


def clip_f32(src, dst, changed):
    """Decodes src to 16-kHz mono float32 raw; the changed clip gets the gain and the pitch shift."""
    filters = ["aresample=16000"]
    if changed:
        filters = [f"volume={GAIN_DB}dB", f"rubberband=pitch={2 ** (SEMITONES / 12):.6f}:formant=preserved",
                   "aresample=16000"]
    run(["ffmpeg", "-v", "error", "-y", "-i", src, "-af", ",".join(filters), "-ac", "1", "-ar", str(RATE),
         "-f", "f32le", dst])
    with open(dst, "rb") as f:
        return f.read()


def write_recording(clips, changed_index, tmp, out_wav):
    """Concatenates the clips with pauses into a float WAV; returns each clip's [start, end] in seconds."""
    pause = b"\0\0\0\0" * int(PAUSE_S * RATE)
    data = bytearray(pause)
    spans = []
    for i, path in enumerate(clips):
        raw = clip_f32(path, os.path.join(tmp, "clip.f32"), i == changed_index)
        start = len(data) / 4 / RATE
        data += raw
        spans.append((start, len(data) / 4 / RATE))
        data += pause
    raw_path = os.path.join(tmp, "all.f32")
    with open(raw_path, "wb") as f:
        f.write(data)
    run(["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", raw_path,
         "-c:a", "pcm_f32le", out_wav])
    return spans


def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def cue(moment, name):
    for c in moment.get("cues", []):
        if c.get("modality") == "voice" and c.get("name") == name:
            return c
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("SENTIO_SHARED_DIR", "../shared"))
    ap.add_argument("--sentio", default="build/sentio")
    ap.add_argument("--out", default=".cache/bench/explain_cues")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()

    root = os.path.join(args.shared, "data", "ser", "ravdess")
    manifest = os.path.join(root, "manifest.csv")
    if not os.path.exists(manifest):
        print(f"skipped: {manifest} not found")
        return 0
    by_actor = {}
    with open(manifest, newline="") as f:
        for row in csv.DictReader(f):
            intensity = os.path.basename(row["path"]).split("-")[3]
            if row["emotion"] in ("neutral", "calm") and intensity == "01":
                by_actor.setdefault(row["speaker"], []).append(os.path.join(root, row["path"]))
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    tally = {"recordings": 0, "changed": 0, "loud": 0, "pitch": 0, "both": 0, "says": 0,
             "unchanged": 0, "flag_any": 0, "flag_up": 0, "missed_changed": 0}
    z_loud, z_pitch, d_loud, d_pitch = [], [], [], []
    examples = []
    actors = sorted(by_actor)
    if args.split != "all":
        actors = [a for a in actors if (int(a.rsplit("_", 1)[1]) <= 12) == (args.split == "dev")]
    for actor in actors:
        clips = sorted(by_actor[actor])
        rng.shuffle(clips)
        changed = rng.randrange(len(clips))
        wav = os.path.join(args.out, f"{actor}.wav")
        spans = write_recording(clips, changed, args.out, wav)
        out = run([args.sentio, "analyze", "-q", "-j", "1", "--speaker-mode", "single", wav])
        with open(os.path.join(args.out, f"{actor}.json"), "wb") as f:
            f.write(out)
        with open(os.path.join(args.out, f"{actor}.truth.json"), "w") as f:
            json.dump({"clips": spans, "changed": changed}, f)
        doc = json.loads(out)
        moments = [m for m in doc.get("moments", []) if "voice" in m.get("modalities", {})]
        tally["recordings"] += 1
        # each clip's moment: the one overlapping it most
        owner = []
        for s0, s1 in spans:
            best = max(moments, key=lambda m: overlap(m["start"], m["end"], s0, s1), default=None)
            owner.append(best if best and overlap(best["start"], best["end"], s0, s1) > 0 else None)
        target = owner[changed]
        tally["changed"] += 1
        if target is None:
            tally["missed_changed"] += 1
        else:
            lc, pc = cue(target, "loudness"), cue(target, "pitch")
            loud = lc is not None and lc["z"] >= 1 and lc["direction"] == "higher"
            pitch = pc is not None and pc["z"] >= 1 and pc["direction"] == "higher"
            tally["loud"] += loud
            tally["pitch"] += pitch
            tally["both"] += loud and pitch
            text = target.get("explanation", "")
            tally["says"] += "louder" in text and "higher" in text
            if lc:
                z_loud.append(lc["z"])
                d_loud.append(lc["value"] - lc["baseline"])
            if pc:
                z_pitch.append(pc["z"])
                d_pitch.append(pc["value"] - pc["baseline"])
            if len(examples) < 3:
                examples.append(text)
        seen = set()
        for i, m in enumerate(owner):
            if i == changed or m is None or id(m) in seen or m is target:
                continue
            seen.add(id(m))
            tally["unchanged"] += 1
            cues = [c for c in (cue(m, "loudness"), cue(m, "pitch")) if c is not None]
            tally["flag_any"] += bool(cues)
            tally["flag_up"] += any(c["direction"] == "higher" for c in cues)
    json.dump({"tally": tally, "z_loudness": z_loud, "z_pitch": z_pitch, "delta_loudness_db": d_loud,
               "delta_pitch_st": d_pitch, "examples": examples}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
