#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Aligned audio + face + words clips for `sentio train fusion` / `sentio eval fusion` (bench/fusion.sh).

Each clip carries one emotion E in all three modalities, put together from three unrelated corpora:
  voice: a RAVDESS speech clip of E (the clip's own length, 3-5 s); RAVDESS calm is mapped to neutral, as the
         core label table does (core/labels.hpp), so neutral has as many clips to draw from as the others;
  face:  a FER2013 PublicTest image of E (48x48 grey crop) scaled to 256x256 (bicubic) and centred on a plain
         grey 384x384 picture, repeated as a 5-fps H.264 video for the audio's length;
  words: an SRT transcript with one cue spanning the audio, the text of a MELD utterance of E with at least
         three words (MELD train for the train split, MELD test for the test split).
The split is by person where the corpora know persons: RAVDESS actors 1-12 -> train, 13-24 -> test (6 women
and 6 men each). FER2013 has no person ids: its PublicTest images are split at random (seeded) into two
disjoint halves, so the same person may appear on both sides. PublicTest has only 56 disgust images: those
are drawn with replacement (each image appears about twice in its split). Images and utterances are paired
with the speech clip by seeded random choice within the emotion. PrivateTest is never read.

Writes OUT/train.csv and OUT/test.csv (header path,transcript,label,speaker,audio_source,face_source,
text_source; paths relative to OUT) and the clips in OUT/train/ and OUT/test/. Needs ffmpeg.
Usage: bench/fusion_data.py [--shared DIR] [--out DIR] [--per-emotion N] [--seed S] [-j N]
"""
import argparse
import concurrent.futures
import csv
import os
import random
import subprocess
import sys

EMOTIONS = ["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"]
RAVDESS = {"neutral": "neutral", "calm": "neutral", "happiness": "happiness", "sadness": "sadness",
           "anger": "anger", "fear": "fear", "disgust": "disgust", "surprise": "surprise"}
FER = {"neutral": "neutral", "happy": "happiness", "sad": "sadness", "angry": "anger", "fear": "fear",
       "disgust": "disgust", "surprise": "surprise"}
MELD = {"neutral": "neutral", "joy": "happiness", "sadness": "sadness", "anger": "anger", "fear": "fear",
        "disgust": "disgust", "surprise": "surprise"}


def ravdess_clips(root):
    """{split: {emotion: [(path, speaker)]}} with actors 1-12 in train and 13-24 in test."""
    out = {"train": {e: [] for e in EMOTIONS}, "test": {e: [] for e in EMOTIONS}}
    with open(os.path.join(root, "manifest.csv"), newline="") as f:
        for r in csv.DictReader(f):
            e = RAVDESS.get(r["emotion"])
            if e is None:
                continue
            actor = int(r["speaker"].rsplit("_", 1)[1])
            out["train" if actor <= 12 else "test"][e].append((os.path.join(root, r["path"]), r["speaker"]))
    return out


def fer_images(root, rng):
    """{split: {emotion: [path]}}: PublicTest halves (seeded), disjoint."""
    by_emotion = {e: [] for e in EMOTIONS}
    with open(os.path.join(root, "manifest.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["split"] == "PublicTest" and r["label"] in FER:
                by_emotion[FER[r["label"]]].append(os.path.join(root, r["path"]))
    out = {"train": {}, "test": {}}
    for e, paths in by_emotion.items():
        paths.sort()
        rng.shuffle(paths)
        half = len(paths) // 2
        out["train"][e], out["test"][e] = paths[:half], paths[half:]
    return out


def meld_utterances(path):
    """{emotion: [(row id, text)]} of the utterances with at least three words."""
    out = {e: [] for e in EMOTIONS}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            e = MELD.get(r["Emotion"].strip().lower())
            text = " ".join(r["Utterance"].replace("\x92", "'").split())
            if e is None or len(text.split()) < 3:
                continue
            out[e].append((r["Sr No."], text))
    return out


def duration(path):
    p = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
                       capture_output=True, text=True, check=True)
    return float(p.stdout.strip())


def srt_time(t):
    ms = int(round(t * 1000))
    return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def make_clip(job):
    """Writes the MP4 and SRT of one clip; returns an error message or None."""
    audio, image, text, mp4, srt = job
    try:
        d = duration(audio)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=c=0x808080:s=384x384:r=5",
             "-loop", "1", "-framerate", "5", "-i", image, "-i", audio, "-filter_complex",
             "[1:v]scale=256:256:flags=bicubic,format=yuv420p[f];[0:v][f]overlay=64:64:shortest=1,format=yuv420p[v]",
             "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-r", "5", "-c:a", "aac",
             "-b:a", "96k", "-t", "%.3f" % d, mp4], check=True, capture_output=True)
        with open(srt, "w", encoding="utf-8") as f:
            f.write("1\n%s --> %s\n%s\n" % (srt_time(0.0), srt_time(d), text))
    except (subprocess.CalledProcessError, OSError, ValueError) as e:
        return "%s: %s" % (mp4, getattr(e, "stderr", None) or e)
    return None


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.environ.get("SENTIO_SHARED_DIR", os.path.join(here, "..", "shared")))
    ap.add_argument("--out", default=os.path.join(here, ".cache", "bench", "fusion"))
    ap.add_argument("--per-emotion", type=int, default=50, help="clips per emotion and split")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()
    data = os.path.join(a.shared, "data")
    rng = random.Random(a.seed)
    voices = ravdess_clips(os.path.join(data, "ser", "ravdess"))
    faces = fer_images(os.path.join(data, "face", "fer2013"), rng)
    texts = {"train": meld_utterances(os.path.join(data, "text", "meld", "train_sent_emo.csv")),
             "test": meld_utterances(os.path.join(data, "text", "meld", "test_sent_emo.csv"))}
    failures = 0
    for split in ("train", "test"):
        folder = os.path.join(a.out, split)
        os.makedirs(folder, exist_ok=True)
        rows, jobs = [], []
        for e in EMOTIONS:
            clips = sorted(voices[split][e])
            rng.shuffle(clips)
            picked = clips[:a.per_emotion]
            imgs, utts = sorted(faces[split][e]), texts[split][e]
            rng.shuffle(imgs)
            for k, (audio, speaker) in enumerate(picked):
                # Images without replacement while there are enough (disgust has fewer: drawn with replacement).
                image = imgs[k] if len(imgs) >= len(picked) else rng.choice(imgs)
                utt = rng.choice(utts)
                name = "%s_%s_%03d" % (split, e, k)
                jobs.append((audio, image, utt[1], os.path.join(folder, name + ".mp4"),
                             os.path.join(folder, name + ".srt")))
                rows.append({"path": "%s/%s.mp4" % (split, name), "transcript": "%s/%s.srt" % (split, name),
                             "label": e, "speaker": speaker, "audio_source": os.path.relpath(audio, data),
                             "face_source": os.path.relpath(image, data), "text_source": "meld/%s_sent_emo.csv#%s" % (split, utt[0])})
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            for err in pool.map(make_clip, jobs):
                if err:
                    failures += 1
                    print("fusion_data: error: " + err, file=sys.stderr)
        with open(os.path.join(a.out, split + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        print("fusion_data: %s: %d clips (%d per emotion) -> %s" % (split, len(rows), a.per_emotion,
                                                                   os.path.join(a.out, split + ".csv")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
