#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scores `sentio analyze` documents against the active-speaker ground truth (bench/active_speaker_data.py).

Face tracks are matched to panels by the mean x-centre of their boxes. The measure is over the TRUE speech
time (each turn's speech interval, from the clip's energy): a second of it is right when the document's
speech segment covering it has its face_track on the panel of the turn's speaker, or has no face when the
voice is off-screen. The rest is split into: a wrong face, no face (null) although the speaker is on screen,
a face although the voice is off-screen, and speech no segment covers (the voice-activity detector's miss,
not the linking's). "Best possible": the share the best choice of one face or none per segment would get
(segments stretched over two people's turns cap it). Names (documents analysed with --transcript): a true name is right when the person
carrying it has exactly the face track(s) of that name's panel (the off-screen voice's name: a person without
a face), and that person's speaker label, if any (the off-screen voice's: required), is the one whose
segments cover most of that name's speech.
  bench/active_speaker_score.py TRUTH.json DOC.json [TRUTH.json DOC.json ...]      -> one JSON line per pair
  bench/active_speaker_score.py --table TRUTH.json DOC.json [...]                  -> a Markdown table
"""
import json
import sys


def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def track_panels(truth, doc):
    panels = truth["panels"]
    out = {}
    for t in (doc.get("faces") or {}).get("tracks", []):
        xs = [(o["box"][0] + o["box"][2]) / 2 for o in t["observations"]]
        if not xs:
            continue
        cx = sum(xs) / len(xs)
        out[t["id"]] = next((i for i, p in enumerate(panels) if p["x0"] <= cx < p["x1"]), -1)
    return out


def score(truth, doc):
    track_panel = track_panels(truth, doc)
    segments = (doc.get("speech") or {}).get("segments", [])
    speech = right = wrong = null_on = face_off = missed = off_total = off_right = 0.0
    failures = []
    for turn in truth["turns"]:
        a, b = turn["speech"]
        truth_panel = turn["panel"]
        covered = 0.0
        speech += b - a
        if truth_panel < 0:
            off_total += b - a
        for s in segments:
            o = overlap(a, b, s["start"], s["end"])
            if o <= 0:
                continue
            covered += o
            face = s.get("face_track")
            panel = track_panel.get(face, -1) if face is not None and face >= 0 else None
            ok = (panel is None and truth_panel < 0) or (panel is not None and panel == truth_panel)
            if ok:
                right += o
                off_right += o if truth_panel < 0 else 0.0
            elif truth_panel < 0:
                face_off += o
            elif panel is None:
                null_on += o
            else:
                wrong += o
            if not ok and o >= 0.2:
                failures.append({"turn": [turn["start"], turn["end"]], "segment": [round(s["start"], 2), round(s["end"], 2)],
                                 "speaker": s.get("speaker"), "got_panel": panel, "true_panel": truth_panel,
                                 "seconds": round(o, 2)})
        missed += max(0.0, (b - a) - covered)
    # The best any choice of one face (or none) per segment could do: segments the speech part stretches over
    # two people's turns cap the score whatever the linking does.
    best = 0.0
    for s in segments:
        by_panel = {}
        for turn in truth["turns"]:
            o = overlap(turn["speech"][0], turn["speech"][1], s["start"], s["end"])
            by_panel[turn["panel"]] = by_panel.get(turn["panel"], 0.0) + o
        best += max(by_panel.values(), default=0.0)
    # Names.
    names = []
    persons = doc.get("persons") or []
    for i, p in enumerate(truth["panels"]):
        names.append((p["name"], i))
    if truth.get("offscreen"):
        names.append((truth["offscreen"]["name"], -1))
    names_right = 0
    names_given = 0
    for name, panel in names:
        person = next((p for p in persons if p.get("name") == name), None)
        if person is None:
            continue
        names_given += 1
        panels = {track_panel.get(t, -1) for t in person.get("face_tracks") or []}
        face_ok = panels == {panel} if panel >= 0 else not panels
        # The speaker label that covers most of this name's speech.
        by_speaker = {}
        for turn in truth["turns"]:
            if turn["panel"] != panel:
                continue
            for s in segments:
                o = overlap(turn["speech"][0], turn["speech"][1], s["start"], s["end"])
                by_speaker[s.get("speaker")] = by_speaker.get(s.get("speaker"), 0.0) + o
        voice = max(by_speaker, key=by_speaker.get) if by_speaker else None
        # A person without a voice label is fine on screen (the speech part may give two people one label;
        # the face carries the name); the off-screen voice has only its voice to be known by.
        if panel >= 0 and not person.get("speaker"):
            voice_ok = True
        else:
            voice_ok = voice is not None and person.get("speaker") == voice
        names_right += 1 if face_ok and voice_ok else 0
    return {
        "video": truth["video"], "variant": truth["variant"], "people": len(truth["panels"]),
        "speech_s": round(speech, 3), "right_s": round(right, 3), "wrong_face_s": round(wrong, 3),
        "null_on_screen_s": round(null_on, 3), "face_for_offscreen_s": round(face_off, 3),
        "missed_s": round(missed, 3), "best_possible_s": round(best, 3), "offscreen_s": round(off_total, 3), "offscreen_right_s": round(off_right, 3),
        "tracks": len(track_panel), "speakers": len({s.get("speaker") for s in segments}),
        "names": len(names), "names_given": names_given, "names_right": names_right,
        "failures": failures,
    }


def pct(a, b):
    return f"{100.0 * a / b:.1f}" if b > 0 else "-"


def table(rows):
    """Markdown: one row per video, then totals per variant group and overall."""
    keys = ["speech_s", "right_s", "wrong_face_s", "null_on_screen_s", "face_for_offscreen_s", "missed_s",
            "best_possible_s"]
    out = ["| video | variant | people | speakers found | speech s | right % | wrong face % | null (on screen) % "
           "| face for off-screen % | not covered % | best possible % | names right |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def line(label, variant, people, speakers, r, names):
        return (f"| {label} | {variant} | {people} | {speakers} | {r['speech_s']:.1f} | {pct(r['right_s'], r['speech_s'])} | "
                f"{pct(r['wrong_face_s'], r['speech_s'])} | {pct(r['null_on_screen_s'], r['speech_s'])} | "
                f"{pct(r['face_for_offscreen_s'], r['speech_s'])} | {pct(r['missed_s'], r['speech_s'])} | "
                f"{pct(r['best_possible_s'], r['speech_s'])} | {names} |")

    def names_cell(rs):
        given = [r for r in rs if r["names_given"] > 0]
        if not given:
            return "-"
        return f"{sum(r['names_right'] for r in given)}/{sum(r['names'] for r in given)}"

    for r in rows:
        out.append(line(r["video"].rsplit(".", 1)[0], r["variant"], r["people"], r["speakers"], r, names_cell([r])))
    groups = {}
    for r in rows:
        group = "turns, 2 people" if r["variant"] == "turns" and r["people"] == 2 else \
            "turns, 3 people" if r["variant"] == "turns" else "harder variants"
        groups.setdefault(group, []).append(r)
    groups["all"] = rows
    for g, rs in groups.items():
        total = {k: sum(r[k] for r in rs) for k in keys}
        out.append(line(f"**{g}** ({len(rs)} videos)", "", "", "", total, names_cell(rs)))
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    as_table = bool(args) and args[0] == "--table"
    if as_table:
        args = args[1:]
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__)
    rows = []
    for i in range(0, len(args), 2):
        with open(args[i]) as f:
            truth = json.load(f)
        with open(args[i + 1]) as f:
            doc = json.load(f)
        rows.append(score(truth, doc))
    if as_table:
        print(table(rows))
    else:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
