#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# HTML report benchmark (issue 13): a 60-minute result is made by analysing a real short video with its
# transcript (default: three_01 of bench/active_speaker_data.py, three GRID speakers taking turns, ~1 min)
# and tiling its segments, face observations, group frames, utterances and moments over 60 minutes
# (bench/report_tile.py: a synthetic document at the density of a real recording). Then:
#  * `sentio report RESULT.json -o REPORT.html` (no media: thumbnails need the real video): wall and CPU
#    time, peak RSS, medians of $runs runs;
#  * the report's size;
#  * headless Chromium (tests/report/browser_check.py): navigation start to load event end and first
#    contentful paint, medians of $runs loads; the page is checked as in the test (no error, no request).
# Writes bench/report.md. Targets: write <= 1 s, interactive <= 2 s, <= 5 MB.
# Usage: [VIDEO=X.mp4 TRANSCRIPT=X.vtt] [MINUTES=60] bench/report.sh [RUNS] [SHARED_DIR]
# Build first: cmake --build build --target sentio_cli
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
shared="${2:-${SENTIO_SHARED_DIR:-$here/../shared}}"
minutes="${MINUTES:-60}"
sentio="$here/build/sentio"
py=/usr/bin/python3
work="$here/.cache/bench/report"
out="$here/bench/report.md"
source "$here/bench/lib.sh"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
mkdir -p "$work"
cd "$here"

video="${VIDEO:-}"
transcript="${TRANSCRIPT:-}"
if [ -z "$video" ]; then
  data="$here/.cache/bench/active_speaker"
  if [ ! -f "$data/three_01.mp4" ]; then
    [ -d "$shared/data/video/grid" ] || { echo "skipped: no GRID clips under $shared/data/video/grid (or give VIDEO=)" >&2; exit 0; }
    $py bench/active_speaker_data.py --shared "$shared" --out "$data" --split test
  fi
  video="$data/three_01.mp4"
  transcript="$data/three_01.vtt"
fi
src="$work/source.json"
"$sentio" analyze -q "$video" ${transcript:+--transcript "$transcript"} -o "$src"
$py bench/report_tile.py "$src" "$minutes" "$work/long.json"

walls=() cpus=() rss=()
tf=$(mktemp)
for ((r = 0; r < runs; r++)); do
  /usr/bin/time -o "$tf" -f "%e %U %S %M" "$sentio" report "$work/long.json" -o "$work/long.html"
  read -r w u s m < <(tail -1 "$tf")
  walls+=("$w")
  cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
  rss+=("$(awk -v k="$m" 'BEGIN{printf "%.0f", k/1024}')")
done
rm -f "$tf"
size=$(stat -c %s "$work/long.html")
src_size=$(stat -c %s "$work/long.json")
browser=$($py tests/report/browser_check.py "$work/long.html" --runs "$runs" --screenshot "$work/long.png" 2>&1) || {
  echo "$browser" >&2
  echo "the browser check failed" >&2
  exit 1
}
load=$(sed -n 's/.*load event end median \([0-9]*\) ms.*/\1/p' <<<"$browser")
fcp=$(sed -n 's/.*first contentful paint median \([0-9]*\) ms.*/\1/p' <<<"$browser")
inter=$(sed -n 's/.*interactive (later of the two) median \([0-9]*\) ms.*/\1/p' <<<"$browser")
page=$(sed -n 's/^page: //p' <<<"$browser")
small=$("$sentio" report "$src" -o "$work/source.html" && stat -c %s "$work/source.html")
# Thumbnails: the source document with its video (one decoding pass up to the last chosen frame).
tf=$(mktemp)
/usr/bin/time -o "$tf" -f "%e" "$sentio" report "$src" --media "$video" -o "$work/source_media.html"
media_wall=$(tail -1 "$tf")
rm -f "$tf"
thumbs=$(grep -o 'data:image/jpeg;base64,' "$work/source_media.html" | wc -l)

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
  echo "# HTML report speed and size — $(date -u +%Y-%m-%d), $(nproc) cores, $cpu_model"
  echo
  echo "Command: \`bench/report.sh $runs\` (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); the machine is shared)."
  echo "Source: \`sentio analyze\` of $(basename "$video") ($(awk '/"duration_s"/{gsub(/[,]/,"");print $2; exit}' "$src") s)${transcript:+ with its transcript}, tiled"
  echo "over $minutes minutes by bench/report_tile.py (synthetic: the real document's lists repeated back to back)."
  echo
  echo "| measure | value | target |"
  echo "|---|---|---|"
  echo "| result document ($minutes min) | $(awk -v b="$src_size" 'BEGIN{printf "%.1f MB", b/1e6}') | |"
  echo "| \`sentio report\` wall time, median of $runs | $(median "${walls[@]}") s | ≤ 1 s |"
  echo "| \`sentio report\` CPU time (user + sys), median of $runs | $(median "${cpus[@]}") s | |"
  echo "| \`sentio report\` peak RSS, median | $(median "${rss[@]}") MiB | |"
  echo "| report size | $(awk -v b="$size" 'BEGIN{printf "%.2f MB", b/1e6}') | ≤ 5 MB |"
  echo "| headless Chromium: navigation start → load event end, median of $runs | $load ms | |"
  echo "| headless Chromium: first contentful paint, median of $runs | $fcp ms | |"
  echo "| page interactive (later of the two), median of $runs | $inter ms | ≤ 2 s |"
  echo "| report of the source itself ($(basename "$video"), whole document embedded) | $(awk -v b="$small" 'BEGIN{printf "%.2f MB", b/1e6}') | |"
  echo "| the same with \`--media\` ($thumbs face thumbnails cut from the video), one run | $media_wall s | |"
  echo
  echo "Page drawn: $page."
  echo "Wall times: ${walls[*]} s; CPU: ${cpus[*]} s."
} >"$out"
cat "$out"
