# SPDX-License-Identifier: Apache-2.0
# Shell helpers shared by the benchmark scripts (source it; needs $runs).

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# time_runs COMMAND... -> "wall_s rss_mib": medians over $runs runs of COMMAND under /usr/bin/time
# (its output discarded). Exits the script if COMMAND fails.
time_runs() {
  local walls=() rss=() tf t
  tf=$(mktemp)
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; rm -f "$tf"; exit 1; }
    t=$(tail -1 "$tf")
    walls+=("${t% *}")
    rss+=("$(awk -v k="${t#* }" 'BEGIN{printf "%.1f", k/1024}')")
  done
  rm -f "$tf"
  echo "$(median "${walls[@]}") $(median "${rss[@]}")"
}

# ravdess_conversation MINUTES -> path of a 16-kHz 16-bit mono WAV of that length in $cache (made once):
# RAVDESS clips (24 speakers, from $shared/data/ser/ravdess) in a seeded random order with 0.6 s of
# silence between clips (~840 utterances per hour); lengths above 60 minutes repeat the 60-minute file.
# The recording of bench/analyze_speed.sh and bench/engine_speed.sh.
ravdess_conversation() {
  local rav="$shared/data/ser/ravdess" base="$cache/ravdess_conversation_60min.wav"
  if [[ ! -s "$base" ]]; then
    local tmp
    tmp=$(mktemp -d)
    sox -n -r 16000 -c 1 -b 16 "$tmp/pause.wav" trim 0 0.6
    python3 - "$rav" "$tmp" <<'PY'
import csv, os, random, sys
rav, tmp = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(rav, "manifest.csv"))))
random.Random(7).shuffle(rows)
with open(os.path.join(tmp, "list.txt"), "w") as f:
    total = 0.0
    while total < 3600:
        for r in rows:
            f.write(os.path.join(rav, r["path"]) + "\n" + os.path.join(tmp, "pause.wav") + "\n")
            total += 4.3  # ~3.7 s clip + 0.6 s pause
            if total >= 3600:
                break
PY
    # sox concatenates 400 files (clips and pauses) at a time to stay under the argument limit
    split -l 400 "$tmp/list.txt" "$tmp/chunk_"
    local c files
    for c in "$tmp"/chunk_*; do mapfile -t files < "$c"; sox "${files[@]}" -r 16000 -c 1 -b 16 "$c.wav"; done
    sox "$tmp"/chunk_*.wav "$tmp/joined.wav"
    sox "$tmp/joined.wav" "$base" trim 0 3600
    rm -rf "$tmp"
  fi
  local out="$cache/ravdess_conversation_${1}min.wav"
  if [[ ! -s "$out" ]]; then
    if (( $1 <= 60 )); then sox "$base" "$out" trim 0 $(( $1 * 60 ));
    else local parts=() i; for ((i = 0; i < $1 / 60; i++)); do parts+=("$base"); done; sox "${parts[@]}" "$out"; fi
  fi
  echo "$out"
}
