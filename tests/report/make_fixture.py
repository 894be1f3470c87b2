#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes tests/report/fixture_two_persons.json: a small hand-made sentio.analysis/2 document (synthetic
numbers, no recording behind it) with two persons, speech, two face tracks, a transcript and moments.
One utterance contains "</script>" so the page's JSON escaping is exercised in the browser test."""
import json, math, sys

LABELS = ["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"]

def probs(main, p):
    rest = (1 - p) / 6
    return {l: round(p if l == main else rest, 4) for l in LABELS}

def va(label):
    return {"neutral": (0.0, 0.0), "happiness": (0.7, 0.5), "sadness": (-0.6, -0.3), "anger": (-0.6, 0.7),
            "fear": (-0.5, 0.6), "disgust": (-0.6, 0.3), "surprise": (0.2, 0.8)}[label]

duration = 30.0
turns = [  # start, end, person, voice, face, words, text, drivers
    (0.5, 3.8, "P1", "neutral", "neutral", "neutral", "Good morning, shall we start with the review?", ["review"]),
    (4.2, 7.9, "P2", "happiness", "happiness", "happiness", "Yes! I am really glad the release went well.", ["glad", "well"]),
    (8.3, 11.6, "P1", "sadness", "sadness", "neutral", "Sadly the tests in the old module failed again.", ["sadly", "failed"]),
    (12.0, 15.2, "P2", "surprise", "surprise", "fear", "What? I thought </script> that was fixed last week.", ["what", "thought"]),
    (15.9, 19.4, "P1", "anger", "anger", "anger", "It is annoying, we lose hours on this every time.", ["annoying", "lose"]),
    (20.0, 23.6, "P2", "neutral", "neutral", "neutral", "Let us pair on it this afternoon.", ["pair"]),
    (24.1, 28.8, "P1", "happiness", "happiness", "happiness", "Great, thank you, that helps a lot.", ["great", "thank"]),
]
speakers = {"P1": "S1", "P2": "S2"}
names = {"P1": "Ada", "P2": "Ben"}
tracks = {"P1": 1, "P2": 2}
segments, utterances, moments = [], [], []
for i, (a, b, p, voice, face, words, text, drivers) in enumerate(turns):
    v, ar = va(voice)
    segments.append({"start": a, "end": b, "speaker": speakers[p], "label": voice, "confidence": 0.62,
                     "valence": v, "arousal": ar, "vad_confidence": 0.9, "probabilities": probs(voice, 0.62),
                     "canonical": {"label": voice, "probabilities": probs(voice, 0.62)},
                     "face_track": tracks[p], "person": p, "measures": None})
    wv, wa = va(words)
    utterances.append({"start": a + 0.1, "end": b - 0.1, "speaker": names[p], "person": p, "id": str(i + 1),
                       "text": text, "label": words, "confidence": 0.55, "sentiment": "neutral",
                       "sentiment_probabilities": {"negative": 0.3, "neutral": 0.4, "positive": 0.3},
                       "valence": wv, "arousal": wa, "probabilities": probs(words, 0.55),
                       "canonical": {"label": words, "probabilities": probs(words, 0.55)},
                       "drivers": [{"term": d, "weight": 0.3} for d in drivers]})
    fused = voice
    agree = voice == face == words
    disagreeing = [m for m, l in (("voice", voice), ("face", face), ("words", words)) if l != fused]
    fv, fa = va(fused)
    compound = {"label": "fearfully surprised", "components": ["fear", "surprise"], "score": 0.36} if voice == "surprise" else None
    moments.append({"start": a, "end": b, "person": p,
                    "modalities": {m: {"label": l, "confidence": 0.6, "quality": 0.9, "probabilities": probs(l, 0.6)}
                                   for m, l in (("voice", voice), ("face", face), ("words", words))},
                    "fused": {"label": fused, "confidence": round(0.5 + 0.05 * i, 4), "probabilities": probs(fused, 0.5 + 0.05 * i),
                              "valence": fv, "arousal": fa},
                    "agreement": {"agree": agree, "disagreeing": disagreeing}, "compound": compound,
                    "cues": [{"modality": "voice", "name": "pitch", "value": 3.1, "baseline": 1.0, "z": 2.4 if i % 2 else 0.8,
                              "direction": "higher", "text": "pitch 2.1 semitones above their usual"}],
                    "explanation": f"{names[p]} sounds {fused}: they say \"{text}\"." + ("" if agree else " Not every modality agrees."),
                    "segment": i, "utterances": [i], "face_track": tracks[p]})

face_tracks = []
fps = 5
for p, tid in tracks.items():
    obs = []
    for k in range(int(duration * fps)):
        t = k / fps
        # The expression follows the person's current turn, neutral otherwise.
        label = "neutral"
        for (a, b, q, voice, face, words, *_rest) in turns:
            if q == p and a <= t <= b:
                label = face
        conf = round(0.55 + 0.3 * abs(math.sin(t / 3 + tid)), 4)
        v, ar = va(label)
        x0 = 100 if tid == 1 else 400
        obs.append({"time": round(t, 3), "frame": k * 6, "box": [x0, 120, x0 + 90 + (k % 7), 230],
                    "label": label, "confidence": conf, "valence": v, "arousal": ar, "probabilities": probs(label, conf),
                    "cues": {"mouth_opening": 0.03, "lip_corner_lift": 0.0, "mouth_width": 0.5, "brow_right": 0.27,
                             "brow_left": 0.28, "eye_right": 0.32, "eye_left": 0.32, "yaw_deg": -1.0, "pitch_deg": 3.0,
                             "roll_deg": -1.0}})
    face_tracks.append({"id": tid, "first_time": 0.0, "last_time": obs[-1]["time"], "observations_count": len(obs),
                        "person": p, "dominant_label": "neutral", "mean_valence": 0.0, "mean_arousal": 0.1,
                        "mean_probabilities": probs("neutral", 0.6), "mean_cues": None, "blinks": None,
                        "observations": obs})
windows = []
for k in range(int(duration / 2)):
    windows.append({"start": 2.0 * k, "end": 2.0 * k + 2, "mean_faces": 2.0, "dominant_label": "neutral",
                    "mean_valence": 0.0, "mean_arousal": 0.1, "distribution": probs("neutral" if k % 3 else "happiness", 0.6)})

persons = []
for p in ("P1", "P2"):
    persons.append({"id": p, "speaker": speakers[p], "face_tracks": [tracks[p]], "name": names[p], "link_confidence": 0.6,
                    "speaking_s": round(sum(b - a for (a, b, q, *_r) in turns if q == p), 3),
                    "dominant_label": "neutral" if p == "P2" else "happiness", "mean_valence": 0.1, "mean_arousal": 0.2,
                    "mean_probabilities": probs("neutral" if p == "P2" else "happiness", 0.4),
                    "moments_by_label": {}, "compounds": {}})

doc = {"schema": "sentio.analysis/2", "generator": "sentio 0.1.0",
       "input": {"path": "meeting.mp4", "kind": "video", "duration_s": duration, "channels": 1, "source_sample_rate": 16000},
       "speech": {"status": "ok", "speaker_mode": "diarization", "model": {"path": "models/ser/default.json", "kind": "ensemble"},
                  "labels": LABELS, "segments": segments, "timeline": [],
                  "speakers": [{"speaker": speakers[p], "segments": 4, "speech_s": 14.0, "dominant_label": "neutral",
                                "mean_valence": 0.0, "mean_arousal": 0.1, "mean_probabilities": probs("neutral", 0.5),
                                "label_seconds": {}} for p in ("P1", "P2")]},
       "faces": {"status": "ok", "labels": LABELS, "sampled_fps": fps, "frames_analysed": int(duration * fps),
                 "frames_skipped": 0, "frame_width": 640, "frame_height": 360, "tracks": face_tracks,
                 "group": {"frames": [], "windows": windows}},
       "text": {"status": "ok", "source": "given", "transcript": "meeting.vtt", "transcript_format": "webvtt",
                "model": {"path": "models/text/default.json", "description": "linear"}, "labels": LABELS,
                "multi_label": False, "context": False, "utterances": utterances},
       "persons": persons, "moments": moments, "warnings": ["A synthetic fixture: no recording behind these numbers."]}
json.dump(doc, open(sys.argv[1] if len(sys.argv) > 1 else "fixture_two_persons.json", "w"), separators=(",", ":"))
