#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Speed and memory of `sentio features --set egemaps` on 10-, 60- and 240-minute recordings (16-bit WAV,
# 16 kHz, built from ../shared/reference/opensmile/audio/long_10min.flac), with 1 and 2 threads, and
# many-file throughput (RAVDESS, 1440 files) with 1 and 2 threads. Reports medians of RUNS runs.
#   bench/speed.sh [RUNS=3]      (writes bench/speed.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
sentio=build/sentio
shared=${SENTIO_SHARED_DIR:-../shared}
cache=.cache/bench
mkdir -p "$cache"
src="$shared/reference/opensmile/audio/long_10min.flac"
[[ -f "$src" ]] || { echo "skipped: $src not found"; exit 0; }

make_long() {  # minutes
  local out="$cache/long_$1min.wav"
  if [[ ! -s "$out" ]]; then
    local parts=()
    for ((i = 0; i < $1 / 10; i++)); do parts+=("$src"); done
    sox "${parts[@]}" -b 16 "$out"
  fi
  echo "$out"
}

. bench/lib.sh
# run_timed ARGS... -> "wall_s rss_mib" medians of `sentio features` over $runs runs
run_timed() { time_runs "$sentio" features -q "$@" -o /dev/null; }

out=bench/speed.md
{
  echo "# Speed and memory — $(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`bench/speed.sh $runs\` (medians of $runs runs; wall time and peak RSS from /usr/bin/time)."
  echo
  echo "| audio | threads | wall s | x real time | peak RSS MiB |"
  echo "|---|---|---|---|---|"
  for m in 10 60 240; do
    f=$(make_long $m)
    for j in 1 2; do
      read -r w r < <(run_timed -j "$j" "$f")
      echo "| ${m} min | $j | $w | $(awk -v m=$m -v w=$w 'BEGIN{printf "%.0f", m*60/w}') | $r |"
    done
  done
  rav="$shared/data/ser/ravdess"
  if [[ -d "$rav" ]]; then
    list="$cache/ravdess.txt"
    tail -n +2 "$rav/manifest.csv" | cut -d, -f1 | sed "s|^|$(realpath "$rav")/|" > "$list"
    n=$(wc -l < "$list")
    echo
    echo "| many files | threads | wall s | files/s |"
    echo "|---|---|---|---|"
    declare -A wall
    for j in 1 2; do
      read -r w r < <(run_timed -j "$j" "$list")
      wall[$j]=$w
      echo "| RAVDESS, $n files | $j | $w | $(awk -v n=$n -v w=$w 'BEGIN{printf "%.0f", n/w}') |"
    done
    echo
    echo "Many-file scaling 1 -> 2 threads: $(awk -v a=${wall[1]} -v b=${wall[2]} 'BEGIN{printf "%.2fx", a/b}')"
  fi

  # Start-up cost of FFmpeg, in one run: 10 minutes on 2 threads as the program runs now (a 16-bit WAV needs
  # no FFmpeg, which is loaded only when an input needs it) and with FFmpeg's libraries preloaded, as every
  # run loaded them before 2026-12-07. Alternating runs, so that both see the same machine.
  libdir=$(pkg-config --variable=libdir libavformat)
  preload=""
  for l in avformat avcodec swresample swscale; do
    so=$(ls "$libdir"/lib$l.so.[0-9]* | sort | head -1)
    preload+="${preload:+:}$so"
  done
  f=$(make_long 10)
  pairs=$((runs * 3))
  plain=() loaded=()
  # wall_ms [ENV=VALUE] -> milliseconds of one run (bash's microsecond clock; /usr/bin/time rounds to 10 ms)
  wall_ms() {
    local t0=$EPOCHREALTIME
    env "$@" "$sentio" features -q -j 2 "$f" -o /dev/null || { echo "failed: $sentio features $f" >&2; exit 1; }
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", (b - a) * 1000}'
  }
  for ((r = 0; r < pairs; r++)); do
    plain+=("$(wall_ms)")
    loaded+=("$(wall_ms LD_PRELOAD="$preload")")
  done
  p=$(awk -v m="$(median "${plain[@]}")" 'BEGIN{printf "%.3f", m/1000}')
  l=$(awk -v m="$(median "${loaded[@]}")" 'BEGIN{printf "%.3f", m/1000}')
  echo
  echo "| 10 min, 2 threads, $pairs alternating runs | wall s (median) | vs openSMILE 3.0.2's 7.25 s |"
  echo "|---|---|---|"
  echo "| FFmpeg loaded only when needed (now) | $p | $(awk -v w=$p 'BEGIN{printf "%.1fx", 7.25/w}') |"
  echo "| FFmpeg's libraries preloaded (LD_PRELOAD, as before) | $l | $(awk -v w=$l 'BEGIN{printf "%.1fx", 7.25/w}') |"
} | tee "$out"
