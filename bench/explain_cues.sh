#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12's explanation target: a voice made 10 dB louder and 4 semitones higher than the same speaker's
# other sentences gets loudness and pitch cues (z >= 1; Sentio reports cues from z >= 2) and an explanation
# that says so; the unchanged sentences are not flagged. RAVDESS actors 1-12 were used to choose the cue
# rule (dev), actors 13-24 are reported (test). Writes bench/explain_cues.md. Build first (build/sentio).
#   bench/explain_cues.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SENTIO_SHARED_DIR:-../shared}
[[ -x build/sentio ]] || { echo "build first: build/sentio" >&2; exit 1; }
[[ -f "$shared/data/ser/ravdess/manifest.csv" ]] || { echo "skipped: $shared/data/ser/ravdess not found" >&2; exit 0; }
out=bench/explain_cues.md
mkdir -p .cache/bench/explain_cues
py=/usr/bin/python3
for split in dev test; do
  "$py" bench/explain_cues.py --shared "$shared" --split "$split" --out ".cache/bench/explain_cues/$split" \
    > ".cache/bench/explain_cues/$split.json"
done
"$py" - "$shared" > "$out" <<'PY'
import json, statistics, subprocess, sys, time
def load(split): return json.load(open(f".cache/bench/explain_cues/{split}.json"))
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
print(f"# Explanation cues on a changed voice — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
      f"{len([l for l in open('/proc/cpuinfo') if l.startswith('processor')])} cores, {cpu}\n")
print("Command: `bench/explain_cues.sh` (runs `bench/explain_cues.py --split dev|test`). Per RAVDESS actor one")
print("recording of their 8 neutral and calm sentences at normal intensity (0.8 s pauses, seeded order); one")
print("sentence made 10 dB louder and 4 semitones higher (FFmpeg volume + rubberband, formants preserved,")
print("float WAV so nothing clips); `sentio analyze --speaker-mode single`. The cue rule (baseline = mean of")
print("the person's other moments, spread = s·sqrt(1+1/n) with floors 2 dB / 1 semitone, reported from |z| >= 2)")
print("was chosen on actors 1-12 (dev); actors 13-24 (test) were not looked at before.\n")
print("| split | recordings | changed sentence: loudness cue (z >= 2, higher) | pitch cue (z >= 2, higher) | both | explanation says louder and higher | z of the loudness cues reported: min / median | z of the pitch cues reported: min / median | measured change: dB / semitones (median) | unchanged sentences flagged (loudness or pitch cue, any direction) | flagged louder or higher |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for split in ("dev", "test"):
    d = load(split); t = d["tally"]; n = t["changed"]
    med = lambda v: statistics.median(v) if v else float("nan")
    mn = lambda v: min(v) if v else float("nan")
    print(f"| {split} | {t['recordings']} | {t['loud']}/{n} | {t['pitch']}/{n} | {t['both']}/{n} | {t['says']}/{n} | "
          f"{mn(d['z_loudness']):.2f} / {med(d['z_loudness']):.2f} | {mn(d['z_pitch']):.2f} / {med(d['z_pitch']):.2f} | "
          f"{med(d['delta_loudness_db']):+.1f} / {med(d['delta_pitch_st']):+.1f} | {t['flag_any']}/{t['unchanged']} | {t['flag_up']}/{t['unchanged']} |")
print("\nExamples (test):\n")
for e in load("test")["examples"]: print(f"- {e}")
PY
cat "$out"
