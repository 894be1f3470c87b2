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
