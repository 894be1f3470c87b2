#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Late fusion of voice, face and words on aligned clips built from the shared corpora (bench/fusion_data.py:
# RAVDESS speech + FER2013 PublicTest face + MELD utterance of the same emotion, split by RAVDESS actor).
# Fits models/fusion/default.json on the train split with `sentio train fusion`, then measures it and the
# equal-weights model on the test split with `sentio eval fusion --json`; writes bench/fusion.md.
# Issue 12 targets: fused >= best single + 10 points; fused without words >= better of face/voice + 5 points;
# one modality present -> no worse than it alone.
# Usage: bench/fusion.sh [SHARED_DIR]   (default ../shared next to the repository)
#   JOBS=N (default 1) clips analysed in parallel; REBUILD_DATA=1 rebuilds the clips. The clips' evidence is
#   cached in .cache/bench/fusion/out and re-used only while the shipped models and the binary are the same.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
jobs="${JOBS:-1}"
data="$here/.cache/bench/fusion"
out="$data/out"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
for f in ser/ravdess/manifest.csv face/fer2013/manifest.csv text/meld/train_sent_emo.csv text/meld/test_sent_emo.csv; do
  [ -f "$shared/data/$f" ] || { echo "skipped: $shared/data/$f not found" >&2; exit 0; }
done
mkdir -p "$out"

if [ "${REBUILD_DATA:-0}" = 1 ] || [ ! -f "$data/train.csv" ] || [ ! -f "$data/test.csv" ]; then
  /usr/bin/python3 "$here/bench/fusion_data.py" --shared "$shared" --out "$data" -j "$jobs"
fi

# The equal-weights model (no calibration, equal reliabilities): the reference the fitted one must beat.
cat > "$out/equal.json" <<'EOF'
{"format": "sentio.fusion", "version": 1, "description": "equal weights, no calibration (reference)",
 "modalities": {"voice": {"temperature": 1, "reliability": 1}, "face": {"temperature": 1, "reliability": 1},
                "words": {"temperature": 1, "reliability": 1}}}
EOF

description="fitted by 'sentio train fusion' (bench/fusion.sh) on the train split of bench/fusion_data.py: \
aligned clips of RAVDESS actors 1-12 speech, FER2013 PublicTest faces and MELD train utterances, analysed with the \
shipped speech, face and text models (models/fusion/MODEL_CARD.md)"
cmd_train=("$sentio" train fusion --data "$data/train.csv" --output "$here/models/fusion/default.json"
           --evidence "$out/train_evidence.jsonl" -j "$jobs" -q --description "$description")
cmd_fitted=("$sentio" eval fusion --data "$data/test.csv" --model "$here/models/fusion/default.json" --json
            --evidence "$out/test_evidence.jsonl" -j "$jobs" -q)
cmd_equal=("$sentio" eval fusion --data "$data/test.csv" --model "$out/equal.json" --json
           --evidence "$out/test_evidence.jsonl" -j "$jobs" -q)
# The evidence caches hold the shipped models' calls: they are dropped when the speech, text or face models or
# the sentio binary change (a re-fit after a model change must analyse the clips again).
evidence_key=$(cat "$here/models/ser/default.json" "$here/models/text/default.stm" "$here/models/face/SHA256SUMS" "$here/models/face/cues.json" \
  "$(readlink -f "$sentio")" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/evidence.key" 2>/dev/null)" != "$evidence_key" ]; then
  rm -f "$out/train_evidence.jsonl" "$out/test_evidence.jsonl"
  echo "$evidence_key" > "$out/evidence.key"
fi
cached=""
[ -f "$out/train_evidence.jsonl" ] && [ -f "$out/test_evidence.jsonl" ] && cached="; evidence read from the --evidence caches of an earlier run with the same models and binary"
start=$(date +%s)
rc=0
"${cmd_train[@]}" 2> "$out/train.log" || rc=$?
cat "$out/train.log" >&2
[ "$rc" -le 1 ] || exit 1  # 1: some rows failed (reported), the others were used
t_train=$(( $(date +%s) - start ))
start=$(date +%s)
"${cmd_fitted[@]}" > "$out/fitted.json" 2> "$out/eval.log" || true
t_eval=$(( $(date +%s) - start ))
"${cmd_equal[@]}" > "$out/equal_eval.json" 2>> "$out/eval.log" || true
python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "$out/fitted.json" "$out/equal_eval.json" \
  || { cat "$out/eval.log" >&2; exit 1; }

rel() { local c="$*"; echo "${c//"$here"\//}"; }  # a command with paths relative to the repository
line_train="$(rel "${cmd_train[@]/#"$description"/DESCRIPTION}")"
/usr/bin/python3 - "$out/fitted.json" "$out/equal_eval.json" "$data" > "$here/bench/fusion.md" <<EOF
import csv, json, sys
fitted, equal = (json.load(open(p)) for p in sys.argv[1:3])
data = sys.argv[3]
def pct(s): return "%.1f" % (100 * s["accuracy"]) if s["n"] else "-"
def f1(s): return "%.3f" % s["macro_f1"] if s["n"] else "-"
def n_rows(split):
    with open("%s/%s.csv" % (data, split)) as f: return sum(1 for _ in csv.DictReader(f))
print("# Late fusion on aligned clips (issue 12)\n")
print("Date: $(date -u +%Y-%m-%d\ %H:%M) UTC. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), "
      "shared with other jobs. Clips analysed with \`-j $jobs\` (train analysis + fit ${t_train} s, test analysis ${t_eval} s${cached}).\n")
print("Data (\`bench/fusion_data.py\`, seed 12): each clip = a RAVDESS speech clip of emotion E (calm counted as neutral) "
      "+ a FER2013 PublicTest face of E (48 px crop scaled to 256 px on a grey 384x384 picture, 5 fps video) + an SRT "
      "transcript with a MELD utterance of E (>= 3 words). Train: RAVDESS actors 1-12, one half of PublicTest, MELD train "
      "(%d clips). Test: actors 13-24, the other half, MELD test (%d clips). 50 clips per emotion and split.\n"
      % (n_rows("train"), n_rows("test")))
print("Commands:\n\n\`\`\`\nbench/fusion.sh\n$line_train\n$(rel "${cmd_fitted[@]}")\n$(rel "${cmd_equal[@]}")\n\`\`\`\n\nDESCRIPTION: the description in models/fusion/default.json.\n")
for name, r in (("fitted (models/fusion/default.json)", fitted), ("equal weights", equal)):
    p = r["model_parameters"]
    print("## %s\n" % name)
    print("Parameters: " + "; ".join("%s T %.3f, r %.3f" % (m, p[m]["temperature"], p[m]["reliability"])
                                     for m in ("voice", "face", "words")) + ".\n")
    print("Test split: %d clips analysed, %d failed. Present: voice %d, face %d (face detection rate %.1f%%), words %d; all three: %d.\n"
          % (r["n"], r["failed"], r["alone"]["voice"]["n"], r["alone"]["face"]["n"], 100.0 * r["alone"]["face"]["n"] / max(1, r["n"]),
             r["alone"]["words"]["n"], r["complete"]["fused"]["n"]))
    c = r["complete"]
    print("| on the clips with all three modalities | accuracy % | macro-F1 |\n|---|---|---|")
    for m in ("voice", "face", "words"):
        print("| %s alone | %s | %s |" % (m, pct(c["alone"][m]), f1(c["alone"][m])))
    print("| **fused** | **%s** | **%s** |" % (pct(c["fused"]), f1(c["fused"])))
    for m in ("voice", "face", "words"):
        print("| fused without %s | %s | %s |" % (m, pct(c["fused_without"][m]), f1(c["fused_without"][m])))
    print()
    print("| one modality present (its rows) | n | fused accuracy % | alone accuracy % |\n|---|---|---|---|")
    for m in ("voice", "face", "words"):
        s = r["single_present"][m]
        print("| %s | %d | %s | %s |" % (m, s["fused"]["n"], pct(s["fused"]), pct(s["alone"])))
    t = r["targets"]
    print("\nTargets: fused - best single = %+.1f points (target >= +10: %s); fused without words - better of face/voice = "
          "%+.1f points (target >= +5: %s); one modality present no worse than alone: %s.\n"
          % (100 * t["fused_minus_best_single"], "met" if t["fused_minus_best_single"] >= 0.1 else "NOT met",
             100 * t["fused_without_words_minus_best_of_face_voice"],
             "met" if t["fused_without_words_minus_best_of_face_voice"] >= 0.05 else "NOT met",
             "yes" if t["single_present_no_worse"] else "NO"))
EOF
cv="$(/usr/bin/python3 "$here/bench/fusion_cv.py" "$data/train.csv" "$out/train_evidence.jsonl")"
cat >> "$here/bench/fusion.md" <<MD
## How the fit was chosen (train split only)

\`bench/fusion_cv.py\` (the pool and fit of src/analysis/fusion.cpp re-implemented in Python) cross-validates the fit
within the train split, 4 folds by RAVDESS actor; accuracy on the held-out clips with all three modalities:

\`\`\`
$cv
\`\`\`

History, for honesty: the first fitted model (temperatures and reliabilities only, no prior correction) was run
on the test split once and gave fused 71.9% vs face 63.0% (+8.9 points, target +10 missed; without words 71.9%).
The prior correction (each modality's call divided by its mean call on the training clips, in pools of two or
more) was then chosen on the cross-validation above, which never reads the test split; the test split was
evaluated once more, with the final model (the tables above). So the test split saw two versions of the design.

## Caveats

* Synthetic alignment: voice, face and words of a clip come from three unrelated people and corpora, so their
  errors are independent; in real recordings a person's voice, face and words err together (an ambiguous
  moment is ambiguous in every modality), and fusion gains will be smaller.
* The shipped speech model was trained on all 24 RAVDESS actors, the test actors included: its voice calls here
  are on recordings it has seen (still only about half correct per clip through \`analyze\`, which sees one
  clip with no speaker baseline). The text model has never seen MELD; the face model was trained on FER2013.
* FER2013 has no person ids: its PublicTest images are split at random into the two halves, so a person may be
  on both sides. Disgust has 56 PublicTest images: drawn with replacement (each used about twice per split).
* Face detection on the upscaled 48-px crops: the "face" count under Present above (clips without a detected
  face have no face call and are left out of the all-three tables).
MD
echo "wrote bench/fusion.md" >&2
