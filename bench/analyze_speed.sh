#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Speed and memory of the whole speech analysis (`sentio analyze`: decode, voice-activity detection,
# speaker-change split + diarization, eGeMAPS + neural features, emotion models, timeline) on 10-, 60- and
# 180-minute recordings, 1 and 2 threads, medians of RUNS runs.
# Recordings: RAVDESS clips (24 speakers) in a seeded random order, 0.6 s of silence between clips,
# repeated to length (16 kHz 16-bit WAV in .cache/bench, never in the repository).
#   bench/analyze_speed.sh [RUNS=3]     (writes bench/analyze_speed.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
sentio=build/sentio
shared=${SENTIO_SHARED_DIR:-../shared}
cache=.cache/bench
mkdir -p "$cache"
rav="$shared/data/ser/ravdess"
[[ -f "$rav/manifest.csv" ]] || { echo "skipped: $rav not found"; exit 0; }

. bench/lib.sh
run_timed() { time_runs "$sentio" analyze -q "$@" -o "$cache/analysis.json"; }  # ARGS... -> "wall_s rss_mib"
out=bench/analyze_speed.md
{
  echo "# Whole speech analysis speed — $(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`bench/analyze_speed.sh $runs\` (medians of $runs runs of \`sentio analyze -q -j N FILE -o OUT.json\`"
  echo "with the default model; wall time and peak RSS from /usr/bin/time). Recording: RAVDESS clips, 24 speakers,"
  echo "seeded random order, 0.6 s pauses (~840 utterances per hour)."
  echo
  echo "| audio | threads | wall s | x real time | peak RSS MiB | segments | speakers |"
  echo "|---|---|---|---|---|---|---|"
  for m in 10 60 180; do
    f=$(ravdess_conversation $m)
    for j in 1 2; do
      read -r w r < <(run_timed -j "$j" "$f")
      read -r nseg nspk < <(python3 -c "import json;d=json.load(open('$cache/analysis.json'))['speech'];print(len(d['segments']),len(d['speakers']))")
      echo "| ${m} min | $j | $w | $(awk -v m=$m -v w=$w 'BEGIN{printf "%.0f", m*60/w}') | $r | $nseg | $nspk |"
    done
  done
} | tee "$out"
