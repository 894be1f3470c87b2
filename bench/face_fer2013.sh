#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Expression accuracy of the shipped emotion model through Sentio's own pipeline:
#   FER2013 PublicTest (3,589 48x48 crops; target >= 0.65) and CK+48 on its 6 classes shared with the
#   model (contempt rows are skipped and counted by `sentio eval face`).
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
echo "== FER2013 PublicTest ($(($(wc -l < "$manifest") - 1)) images)"
"$sentio" eval face --data "$manifest" --crops auto
if [ -f "$ck/manifest.csv" ]; then
  echo "== CK+48 (6 classes shared with the model; contempt skipped)"
  "$sentio" eval face --data "$ck/manifest.csv" --crops auto
fi
