#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fine-tuning the expression model with `sentio train face` on FER2013 Training (the epoch is chosen on a
# seeded 10 % holdout of Training, never on PublicTest), then FER2013 PublicTest and CK+48 accuracy of the
# result, with and without test-time flip averaging, next to the shipped model. Takes ~20 min per 3 epochs
# on two idle cores.
# Usage: bench/face_training.sh [EPOCHS] [LR]   (defaults 3, 5e-5; the results are in bench/RESULTS.md)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SENTIO_SHARED_DIR:-$here/../shared}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
epochs="${1:-3}"
lr="${2:-5e-5}"
fer="$shared/data/face/fer2013"
ck="$shared/data/face/ckplus48"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
[ -f "$fer/manifest.csv" ] || { echo "skipped: $fer/manifest.csv not found" >&2; exit 0; }
out="${SENTIO_FACE_TRAIN_OUT:-${XDG_CACHE_HOME:-$HOME/.cache}/sentio/face_training}"
mkdir -p "$out"

echo "== training: $epochs epochs, learning rate $lr -> $out"
/usr/bin/time -f "wall %e s, peak RSS %M KB" \
  "$sentio" train face --data "$fer/manifest.csv" --split Training -o "$out" --epochs "$epochs" --lr "$lr" -j 2
for model in shipped "$out/emotion.json"; do
  opt=(); [ "$model" = shipped ] || opt=(--model "$model")
  for flip in "" --flip; do
    echo "== $model ${flip:-(no flip)}: FER2013 PublicTest"
    "$sentio" eval face "${opt[@]}" --data "$fer/manifest.csv" --split PublicTest $flip -j 2
    if [ -f "$ck/manifest.csv" ]; then
      echo "== $model ${flip:-(no flip)}: CK+48"
      "$sentio" eval face "${opt[@]}" --data "$ck/manifest.csv" $flip -j 2
    fi
  done
done
