#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# How the expression crop's framing changes accuracy when faces are found by detection (what `sentio
# analyze` does): every 8th FER2013 Training image (3,589), detection + mesh + eye-aligned crop of
# SCALE x the landmarks' extent (a comma list averages the crops' probabilities), the expression model
# alone (no cue model). This chose the default crops (vision::kDefaultExpressionCropScales); it reads
# Training images only, never a test split.
# Usage: bench/face_crop_scale.sh [SHARED_DIR] [SCALES...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
shift || true
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(0.8 0.9 1.0 1.1 1.2 1.25 1.3 1.45 1.0,1.25)
sentio="${SENTIO_BIN:-$here/build/sentio}"
fer="$shared/data/face/fer2013"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
[ -f "$fer/manifest.csv" ] || { echo "skipped: $fer/manifest.csv not found" >&2; exit 0; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
awk -F, -v dir="$fer" 'NR == 1 { print; next } $3 == "Training" && NR % 8 == 0 { $1 = dir "/" $1; print }' OFS=, \
  "$fer/manifest.csv" > "$tmp/sample.csv"
echo "| crop scale | images | faces found | accuracy over faces found |"
echo "|---|---|---|---|"
for s in "${scales[@]}"; do
  "$sentio" eval face --data "$tmp/sample.csv" --crops no --cue-model none --crop-scale "$s" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
found = j["images"]["detected"]
print("| %s | %d | %d | %.4f |" % (sys.argv[1], j["n"], found, j["accuracy"] * j["n"] / max(found, 1)))' "$s"
done
