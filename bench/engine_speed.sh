#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# File analysis through the Engine and a Session (issue 11, item 2): speed and peak RSS of
# `sentio analyze -q -j N FILE -o OUT.json` on the recordings of bench/analyze_speed.sh (RAVDESS clips,
# 24 speakers, 0.6-s pauses) of 10, 30, 60 and 180 minutes, 2 threads (and 1 thread for 60 minutes).
# With SENTIO_BEFORE=/path/to/an/older/sentio, that binary runs the same files in the same loop (the runs
# alternate: new, old, new, old, ...), so that the ratio is measured under the same load.
#   bench/engine_speed.sh [RUNS=3]     (writes bench/engine_speed.md)
#   SPECS="60 2" OUT=bench/x.md bench/engine_speed.sh 7   (only some "MINUTES THREADS" cases, elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${SENTIO_SHARED_DIR:-../shared}
cache=.cache/bench
mkdir -p "$cache"
[[ -f "$shared/data/ser/ravdess/manifest.csv" ]] || { echo "skipped: $shared/data/ser/ravdess not found"; exit 0; }
. bench/lib.sh
bins=(build/sentio)
names=(now)
if [[ -n "${SENTIO_BEFORE:-}" ]]; then bins+=("$SENTIO_BEFORE"); names+=(before); fi

# one_run BIN ARGS... -> "wall_s rss_mib" of one run (output to $cache/analysis_speed.json)
one_run() {
  local tf t
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %M" "$1" analyze -q "${@:2}" -o "$cache/analysis_speed.json" >/dev/null 2>&1 ||
    { echo "failed: $*" >&2; rm -f "$tf"; exit 1; }
  t=$(tail -1 "$tf")
  rm -f "$tf"
  echo "${t% *} $(awk -v k="${t#* }" 'BEGIN{printf "%.1f", k/1024}')"
}

out=${OUT:-bench/engine_speed.md}
{
  echo "# File analysis through the Engine — $(date -u '+%F %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`${SPECS:+SPECS=\"$SPECS\" }bench/engine_speed.sh $runs\`${SENTIO_BEFORE:+ with SENTIO_BEFORE=$SENTIO_BEFORE}: medians of $runs runs of"
  echo "\`sentio analyze -q -j N FILE -o OUT.json\` (wall time and peak RSS from /usr/bin/time); the binaries alternate run by run."
  echo "Recording: bench/analyze_speed.sh's (RAVDESS clips, 24 speakers, seeded order, 0.6-s pauses)."
  echo
  echo "Load at the start: $(uptime | sed 's/.*load average/load average/')"
  echo
  echo "| audio | threads | binary | wall s (runs) | x real time | peak RSS MiB (runs) | segments | speakers |"
  echo "|---|---|---|---|---|---|---|---|"
  IFS=',' read -r -a specs <<< "${SPECS:-10 2,30 2,60 2,60 1,180 2}"
  for spec in "${specs[@]}"; do
    read -r m j <<< "$spec"
    f=$(ravdess_conversation "$m")
    declare -A walls=() rsss=() segs=()
    for ((r = 0; r < runs; r++)); do
      for b in "${!bins[@]}"; do
        read -r w k < <(one_run "${bins[$b]}" -j "$j" "$f")
        walls[$b]+="$w "
        rsss[$b]+="$k "
        segs[$b]=$(python3 -c "import json;d=json.load(open('$cache/analysis_speed.json'))['speech'];print(len(d['segments']),len(d['speakers']))")
      done
    done
    for b in "${!bins[@]}"; do
      # shellcheck disable=SC2086
      w=$(median ${walls[$b]})
      # shellcheck disable=SC2086
      k=$(median ${rsss[$b]})
      read -r nseg nspk <<< "${segs[$b]}"
      echo "| ${m} min | $j | ${names[$b]} | $w (${walls[$b]% }) | $(awk -v m="$m" -v w="$w" 'BEGIN{printf "%.0f", m*60/w}') | $k (${rsss[$b]% }) | $nseg | $nspk |"
    done
    unset walls rsss segs
  done
  echo
  echo "Load at the end: $(uptime | sed 's/.*load average/load average/')"
} | tee "$out"
