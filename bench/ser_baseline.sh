#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Speech-emotion baseline (eGeMAPS v02 functionals, per-speaker z-normalisation, L2 softmax regression
# with fixed default hyper-parameters: l2 = 0.01, balanced class weights; nothing tuned on test folds),
# leave-one-speaker-out on:
#   RAVDESS speech, 8 classes (24 actors, 1440 clips)
#   EmoDB-2s (truncated copy, 7 classes, 10 speakers, 535 clips; not comparable with published EmoDB numbers)
# Per-speaker normalisation uses each test speaker's own (unlabelled) clips, as usual in SER papers.
# Usage: bench/ser_baseline.sh [SHARED_DIR]   (default ../shared next to the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
jobs="${SENTIO_JOBS:-2}"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
summary() {  # name json
  python3 - "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
print(f"{sys.argv[1]:<10} {j['protocol']:<6} n={j['n']:<5} classes={len(j['labels'])}  "
      f"UA={j['ua']:.4f}  WA={j['wa']:.4f}  macro-F1={j['macro_f1']:.4f}")
PY
}
ran=0
for corpus in ravdess emodb_2s; do
  manifest="$shared/data/ser/$corpus/manifest.csv"
  if [ ! -f "$manifest" ]; then
    echo "skipped: $manifest not found" >&2
    continue
  fi
  echo "== $corpus, leave-one-speaker-out"
  start=$(date +%s.%N)
  "$sentio" eval ser --type linear --data "$manifest" --protocol loso -j "$jobs" -q
  "$sentio" eval ser --type linear --data "$manifest" --protocol loso -j "$jobs" -q --json > "$tmp/$corpus.json"
  end=$(date +%s.%N)
  echo "(both runs: $(python3 -c "print(f'{$end - $start:.1f}')") s)"
  ran=1
done
if [ "$ran" = 1 ]; then
  echo "== summary (eGeMAPS + speaker-z + softmax-L2, LOSO)"
  for corpus in ravdess emodb_2s; do
    [ -f "$tmp/$corpus.json" ] && summary "$corpus" "$tmp/$corpus.json"
  done
fi
exit 0
