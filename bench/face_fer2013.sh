#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Expression accuracy of the shipped face models through Sentio's own pipeline, with and without the cue
# model (models/face/cues.json, fused with the appearance model):
#   * FER2013 PublicTest (3,589 48x48 crops) as crops (the image whole, as the data set is meant to be used)
#     and as `sentio analyze` sees images (detection, mesh, aligned crop; a face not found counts as wrong);
#   * CK+48 on its 6 classes shared with the model (contempt rows are skipped and counted).
# Nothing here chooses anything: the crop scale and the cue model's weight were chosen on FER2013 Training
# (bench/face_crop_scale.sh, `sentio train face-cues`).
# Usage: bench/face_fer2013.sh [SHARED_DIR]   (default ../shared next to the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
fer="$shared/data/face/fer2013"
ck="$shared/data/face/ckplus48"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
[ -f "$fer/manifest.csv" ] || { echo "skipped: $fer/manifest.csv not found" >&2; exit 0; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The manifest lists PublicTest (test/...) and Training (train.tar:...) rows; keep the test rows, with
# absolute paths (the shared folder is read-only, so the temporary manifest lives elsewhere).
manifest="$tmp/publictest.csv"
awk -F, -v dir="$fer" 'NR == 1 { print; next } $3 == "PublicTest" { $1 = dir "/" $1; print }' OFS=, \
  "$fer/manifest.csv" > "$manifest"

# One line per run: set, route, cue model, n, accuracy, macro-F1, accuracy over the faces found.
# The cue model: "none" (appearance alone) or "shipped" (the default, models/face/cues.json).
row() {
  local name="$1" route="$2" cues="$3"; shift 3
  local flag=()
  [ "$cues" = none ] && flag=(--cue-model none)
  "$sentio" eval face "$@" "${flag[@]}" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
found = j["images"]["as_crop"] + j["images"]["detected"]
print("| %s | %s | %s | %d | %.4f | %.4f | %.4f (%d found) |" % (sys.argv[1], sys.argv[2], sys.argv[3], j["n"],
      j["accuracy"], j["macro_f1"], j["accuracy"] * j["n"] / max(found, 1), found))' "$name" "$route" "$cues"
}

echo "| set | route | cue model | n | accuracy | macro-F1 | accuracy over faces found |"
echo "|---|---|---|---|---|---|---|"
for cues in none shipped; do
  row "FER2013 PublicTest" crop "$cues" --data "$manifest" --crops yes
done
for cues in none shipped; do
  row "FER2013 PublicTest" detect "$cues" --data "$manifest" --crops no
done
if [ -f "$ck/manifest.csv" ]; then
  for cues in none shipped; do
    row "CK+48 (6 classes)" crop "$cues" --data "$ck/manifest.csv" --crops yes
  done
fi
