#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 12's overhead target: persons, moments and explanations cost <= 10% of the analysis without them.
# Times `sentio analyze -q -j 2 INPUT -o OUT.json` of this build against SENTIO_BEFORE, a build of the commit
# before persons and moments (00bd81f; configure and build it in its own folder), on
#   - 10 minutes of RAVDESS conversation (bench/lib.sh; speech only: persons and moments from voices),
#   - the 11 GRID clips joined into one 33-s video (faces + speech) with a WebVTT transcript of the sentences
#     (faces, voices and words: links, moments with three modalities, face and voice cues).
# The two binaries alternate run by run (same load); medians of RUNS runs.
#   SENTIO_BEFORE=/path/to/old/sentio bench/moments_overhead.sh [RUNS=7]   (writes bench/moments_overhead.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
shared=${SENTIO_SHARED_DIR:-../shared}
cache=.cache/bench
mkdir -p "$cache"
[[ -n "${SENTIO_BEFORE:-}" && -x "${SENTIO_BEFORE:-}" ]] || { echo "set SENTIO_BEFORE to an older sentio binary" >&2; exit 1; }
[[ -d "$shared/data/video/grid" && -f "$shared/data/ser/ravdess/manifest.csv" ]] ||
  { echo "skipped: $shared/data/video/grid or ravdess not found"; exit 0; }
. bench/lib.sh

audio=$(ravdess_conversation 10)
video=$cache/grid_joined.mp4
vtt=$cache/grid_joined.vtt
if [[ ! -s "$video" ]]; then
  list=$(mktemp)
  for f in "$shared"/data/video/grid/*.mpg; do echo "file '$(realpath "$f")'" >> "$list"; done
  ffmpeg -v error -y -f concat -safe 0 -i "$list" -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac "$video"
  rm -f "$list"
fi
# The transcript: each clip's sentence from its GRID code (command colour preposition letter digit adverb).
/usr/bin/python3 - "$shared/data/video/grid" "$vtt" <<'PY'
import os, sys
words = [dict(b="bin", l="lay", p="place", s="set"), dict(b="blue", g="green", r="red", w="white"),
         dict(a="at", b="by", i="in", w="with"), None,
         {**{str(d): n for d, n in zip("123456789", "one two three four five six seven eight nine".split())}, "z": "zero"},
         dict(a="again", n="now", p="please", s="soon")]
clips = sorted(f for f in os.listdir(sys.argv[1]) if f.endswith(".mpg"))
with open(sys.argv[2], "w") as out:
    out.write("WEBVTT\n\n")
    for i, name in enumerate(clips):
        code = os.path.splitext(name)[0].split("_")[-1]
        said = " ".join(code[k].upper() if table is None else table[code[k]] for k, table in enumerate(words))
        stamp = lambda t: f"00:{int(t) // 60:02d}:{t % 60:06.3f}"
        out.write(f"{stamp(3 * i + 0.5)} --> {stamp(3 * i + 2.8)}\n{said}\n\n")
PY

row() {  # label, args...
  local label=$1 w_now=() w_old=() r_now=() r_old=() c_now=() c_old=() t cpu
  shift
  for ((r = 0; r < runs; r++)); do
    for b in now old; do
      local bin=build/sentio
      [[ $b == old ]] && bin=$SENTIO_BEFORE
      /usr/bin/time -o "$cache/overhead.time" -f "%e %M %U %S" "$bin" analyze -q -j 2 "$@" -o "$cache/overhead_$b.json" >/dev/null 2>&1 ||
        { echo "failed: $bin analyze $*" >&2; exit 1; }
      read -r wall rss user sys < <(tail -1 "$cache/overhead.time")
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
      if [[ $b == now ]]; then w_now+=("$wall"); r_now+=("$rss"); c_now+=("$cpu"); else w_old+=("$wall"); r_old+=("$rss"); c_old+=("$cpu"); fi
    done
  done
  local mn mo cn co
  mn=$(median "${w_now[@]}"); mo=$(median "${w_old[@]}"); cn=$(median "${c_now[@]}"); co=$(median "${c_old[@]}")
  echo "| $label | $mo (${w_old[*]}) | $mn (${w_now[*]}) | $(awk -v a="$mn" -v b="$mo" 'BEGIN{printf "%+.1f %%", 100*(a-b)/b}') | $co / $cn | $(awk -v a="$cn" -v b="$co" 'BEGIN{printf "%+.1f %%", 100*(a-b)/b}') | $(awk -v k="$(median "${r_old[@]}")" 'BEGIN{printf "%.0f", k/1024}') / $(awk -v k="$(median "${r_now[@]}")" 'BEGIN{printf "%.0f", k/1024}') | $(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get('persons',[])), '/', len(d.get('moments',[])))" "$cache/overhead_now.json") |"
}

out=bench/moments_overhead.md
{
  echo "# Overhead of persons, moments and explanations — $(date -u '+%F %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`SENTIO_BEFORE=$SENTIO_BEFORE bench/moments_overhead.sh $runs\`: medians of $runs runs of"
  echo "\`sentio analyze -q -j 2 INPUT -o OUT.json\`, this build (\"now\") and the build before persons and moments"
  echo "(\"before\") alternating run by run. Load at the start: $(uptime | sed 's/.*load average/load average/')"
  echo
  echo "| input | before: wall s (runs) | now: wall s (runs) | wall overhead | CPU s (user + sys) before / now | CPU overhead | peak RSS MiB before / now | persons / moments (now) |"
  echo "|---|---|---|---|---|---|---|---|"
  row "10 min RAVDESS conversation (audio)" "$audio"
  row "11 GRID clips, 33-s video + WebVTT transcript" "$video" --transcript "$vtt"
  echo
  echo "Load at the end: $(uptime | sed 's/.*load average/load average/')"
} | tee "$out"
