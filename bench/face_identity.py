#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Face identity across shot cuts (issue 18): do face tracks follow people rather than places?

Builds cut videos from the GRID clips of ../shared/data/video/grid (every clip is one person filmed in the same
place, so consecutive shots of different people put their faces at the same spot), runs `sentio analyze` on
each and scores its face tracks against the shots:

* mixed tracks: tracks with observations of two or more people (target 0);
* purity: share of observations whose track's majority person is their own person;
* returns re-identified: a person who comes back after someone else's shot, with the same track ID (or the same
  `person`) as in their earlier shot;
* tracks per person: distinct track IDs a person got over the video (1 is ideal).

With --transition KIND:SECONDS the shots are joined by an FFmpeg xfade transition (fade, dissolve, fadeblack,
wipeleft, ...) instead of a cut: one person turns into the next without a cut. Observations inside a
transition show both people and are not scored.

Usage: bench/face_identity.py SENTIO --shared DIR --work DIR [--seed N] [--videos N] [--transition KIND:SECONDS]
                             [-- ANALYZE OPTIONS]
Prints Markdown. Needs the ffmpeg command-line tool (scripts/setup installs it).
"""
import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict

# Clip -> person. id2_vcd_swwp2s and pwij3p show the same man (described alike in the data README, and their
# faceres descriptions agree at 0.95 where different people stay below 0.64), so they count as one person.
PEOPLE = {
    "bbaf2n": "A", "brbk7n": "B", "id2_vcd_swwp2s": "C", "pwij3p": "C", "lbax4n": "D", "lbbc2a": "E",
    "lrwp9a": "F", "lwbsza": "G", "sbia1a": "H", "sbwe5n": "I", "swiz3n": "J",
}


def clip_of(person):
    return sorted(c for c, p in PEOPLE.items() if p == person)[0]


def make_plan(rng, n_people, n_shots):
    people = rng.sample(sorted(set(PEOPLE.values())), n_people)
    shots = [people[0]]
    while len(shots) < n_shots:
        shots.append(rng.choice([p for p in people if p != shots[-1]]))
    for p in people:  # everyone appears at least once
        if p not in shots:
            shots[rng.randrange(1, len(shots))] = p
            for k in range(1, len(shots)):  # no two equal shots in a row
                if shots[k] == shots[k - 1]:
                    shots[k] = rng.choice([q for q in people if q != shots[k - 1] and (k + 1 == len(shots) or q != shots[k + 1])])
    return shots


def build_video(shared, work, name, shots, shot_s, transition=None):
    out = os.path.join(work, name + ".mp4")
    if os.path.exists(out):
        return out
    inputs, filters = [], []
    for k, person in enumerate(shots):
        inputs += ["-t", f"{shot_s:.2f}", "-i", os.path.join(shared, "data/video/grid", clip_of(person) + ".mpg")]
        filters.append(f"[{k}:v]fps=25,scale=360:288,setsar=1,format=yuv420p[v{k}]")
    if transition is None:
        filters.append("".join(f"[v{k}]" for k in range(len(shots))) + f"concat=n={len(shots)}:v=1:a=0[out]")
    else:  # transition k (between shots k-1 and k) starts at k (S - d)
        kind, d = transition
        last = "v0"
        for k in range(1, len(shots)):
            label = "out" if k == len(shots) - 1 else f"x{k}"
            filters.append(f"[{last}][v{k}]xfade=transition={kind}:duration={d:.2f}:offset={k * (shot_s - d):.2f}[{label}]")
            last = label
    cmd = ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", ";".join(filters), "-map", "[out]",
           "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", out + ".tmp.mp4"]
    subprocess.run(cmd, check=True)
    os.replace(out + ".tmp.mp4", out)
    return out


def shot_at(t, n_shots, shot_s, d):
    """The shot shown at time t, or None inside a transition of d seconds (d = 0: cuts)."""
    k = min(int((t - 0.5 * d) / (shot_s - d) + 1e-6) if t > 0.5 * d else 0, n_shots - 1)
    if d > 0:
        for j in (k, k + 1):  # transition j occupies [j (S - d), j (S - d) + d]
            if 1 <= j < n_shots and j * (shot_s - d) - 1e-6 <= t <= j * (shot_s - d) + d + 1e-6:
                return None
    return k


def score(doc, shots, shot_s, d=0.0):
    tracks = doc["faces"]["tracks"]
    person_of_obs = []
    track_people = defaultdict(Counter)
    person_tracks = defaultdict(set)
    shot_tracks = defaultdict(Counter)  # shot index -> track ids seen
    for t in tracks:
        for o in t["observations"]:
            k = shot_at(o["time"], len(shots), shot_s, d)
            if k is None:
                continue
            p = shots[k]
            track_people[t["id"]][p] += 1
            person_tracks[p].add(t["id"])
            shot_tracks[k][t["id"]] += 1
            person_of_obs.append((t["id"], p))
    mixed = sum(1 for c in track_people.values() if len(c) > 1)
    majority = {tid: c.most_common(1)[0][0] for tid, c in track_people.items()}
    pure = sum(1 for tid, p in person_of_obs if majority[tid] == p)
    # Returns: shot k of person p after a shot of someone else, p seen in an earlier shot.
    returns = reidentified = 0
    for k, p in enumerate(shots):
        earlier = [j for j in range(k) if shots[j] == p]
        if not earlier or not shot_tracks[k]:
            continue
        returns += 1
        now = shot_tracks[k].most_common(1)[0][0]
        before = {tid for j in earlier for tid in shot_tracks[j]}
        reidentified += now in before and majority[now] == p  # the same track, and a track of this person
    return {
        "tracks": len(tracks), "mixed": mixed, "observations": len(person_of_obs), "pure": pure,
        "returns": returns, "reidentified": reidentified,
        "tracks_per_person": sum(len(v) for v in person_tracks.values()) / max(1, len(person_tracks)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sentio")
    ap.add_argument("--shared", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--videos", type=int, default=12)
    ap.add_argument("--transition", help="KIND:SECONDS, an xfade transition between shots instead of a cut")
    args, analyze_args = ap.parse_known_args()  # the rest goes to sentio analyze
    args.analyze_args = [a for a in analyze_args if a != "--"]
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(args.seed)
    transition = None
    if args.transition:
        kind, d = args.transition.split(":")
        transition = (kind, float(d))
    rows, total = [], Counter()
    for v in range(args.videos):
        n_people = 2 + v % 3                       # 2, 3, 4 people
        shot_s = 3.0 if v % 2 == 0 else 1.6        # whole clips, or short shots
        shots = make_plan(rng, n_people, 2 * n_people + 1)
        name = f"cuts{args.seed}-{v:02d}-{n_people}p-{shot_s:.1f}s"
        if transition:
            name = f"{transition[0]}{transition[1]:.1f}-{args.seed}-{v:02d}-{n_people}p-{shot_s:.1f}s"
        path = build_video(args.shared, args.work, name, shots, shot_s, transition)
        out = os.path.join(args.work, name + ".json")
        subprocess.run([args.sentio, "analyze", path, "-o", out, "-q", *args.analyze_args], check=True)
        with open(out) as f:
            s = score(json.load(f), shots, shot_s, transition[1] if transition else 0.0)
        rows.append((name, "".join(shots), s))
        for k in ("tracks", "mixed", "observations", "pure", "returns", "reidentified"):
            total[k] += s[k]
        total["people"] += n_people
        total["person_tracks"] += s["tracks_per_person"] * n_people
    print("| video | shots (person per shot) | tracks | mixed tracks | purity | returns re-identified | tracks per person |")
    print("|---|---|---|---|---|---|---|")
    for name, plan, s in rows:
        print(f"| {name} | {plan} | {s['tracks']} | {s['mixed']} | {s['pure'] / max(1, s['observations']):.3f} | "
              f"{s['reidentified']} / {s['returns']} | {s['tracks_per_person']:.2f} |")
    print(f"| **all** | | {total['tracks']} | **{total['mixed']}** | **{total['pure'] / max(1, total['observations']):.3f}** | "
          f"**{total['reidentified']} / {total['returns']}** | {total['person_tracks'] / max(1, total['people']):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
