#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tiles a real result document over a longer duration, for bench/report.sh: the speech segments, face
observations, group frames and windows, utterances and moments of RESULT.json are repeated back to back
(times shifted by the source's length, indices into segments/utterances shifted too) until MINUTES are
covered. The summaries (speakers, persons, tracks' means) stay those of the source: the report's cost is in
the long lists, which this reproduces at the density of a real recording.

  report_tile.py RESULT.json MINUTES OUT.json"""
import json, sys


def shifted(item, dt, keys):
    out = dict(item)
    for k in keys:
        if isinstance(out.get(k), (int, float)):
            out[k] = round(out[k] + dt, 3)
    return out


def main():
    src, minutes, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    doc = json.load(open(src))
    length = doc["input"]["duration_s"]
    copies = int(minutes * 60 // length) + 1
    speech, faces, text = doc.get("speech"), doc.get("faces"), doc.get("text")
    n_seg = len(speech["segments"]) if speech else 0
    n_utt = len(text["utterances"]) if text else 0
    segs, utts, moments, windows, frames = [], [], [], [], []
    tracks = {t["id"]: [] for t in faces["tracks"]} if faces else {}
    for c in range(copies):
        dt = c * length
        if speech:
            segs += [shifted(s, dt, ("start", "end")) for s in speech["segments"]]
        if text:
            utts += [shifted(u, dt, ("start", "end")) for u in text["utterances"]]
        if faces:
            for t in faces["tracks"]:
                tracks[t["id"]] += [shifted(o, dt, ("time",)) for o in t["observations"]]
            frames += [shifted(f, dt, ("time",)) for f in faces["group"]["frames"]]
            windows += [shifted(w, dt, ("start", "end")) for w in faces["group"]["windows"]]
        for m in doc.get("moments", []):
            m2 = shifted(m, dt, ("start", "end"))
            if isinstance(m2.get("segment"), int):
                m2["segment"] += c * n_seg
            m2["utterances"] = [u + c * n_utt for u in m2.get("utterances", [])]
            moments.append(m2)
    end = minutes * 60
    doc["input"]["duration_s"] = end
    if speech:
        speech["segments"] = [s for s in segs if s["end"] <= end]
    if text:
        text["utterances"] = [u for u in utts if u["end"] is None or u["end"] <= end]
    if faces:
        for t in faces["tracks"]:
            t["observations"] = [o for o in tracks[t["id"]] if o["time"] <= end]
            t["observations_count"] = len(t["observations"])
            t["last_time"] = t["observations"][-1]["time"] if t["observations"] else t["last_time"]
        faces["group"]["frames"] = [f for f in frames if f["time"] <= end]
        faces["group"]["windows"] = [w for w in windows if w["end"] <= end]
    if "moments" in doc:
        doc["moments"] = [m for m in moments if m["end"] is None or m["end"] <= end]
    json.dump(doc, open(out, "w"), indent=2)


if __name__ == "__main__":
    main()
