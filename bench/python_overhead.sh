#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Python overhead (issue 15): the same job through the command line and through `import sentio`, on the
# 1,440 RAVDESS files, the two alternating run by run so that both meet the same load.
#  * features: `sentio features -q -j 2 @LIST -o /dev/null` (CSV) vs Features(jobs=2).process_files(paths)
#    (one DataFrame);
#  * analysis: `sentio analyze -q -j 2 @LIST -o DIR` vs Analyzer(jobs=2).process_files(paths) with each
#    document written to DIR (the first ANALYSIS_FILES files; default all).
# Whole processes are timed (start-up and imports included), and, for Python, also the work after the imports
# (`import sentio` loads numpy and pandas: about 0.5 s). Medians of RUNS runs.
#   bench/python_overhead.sh [RUNS=3]     (writes bench/python_overhead.md)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${SENTIO_SHARED_DIR:-../shared}
rav="$(realpath -m "$shared/data/ser/ravdess")"
[[ -f "$rav/manifest.csv" ]] || { echo "skipped: $rav not found"; exit 0; }
. bench/lib.sh
py=${SENTIO_PYTHON:-/usr/bin/python3}
export PYTHONPATH="$PWD/build/python"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tail -n +2 "$rav/manifest.csv" | cut -d, -f1 | sed "s|^|$rav/|" > "$tmp/all.lst"
n_files=$(wc -l < "$tmp/all.lst")
head -n "${ANALYSIS_FILES:-$n_files}" "$tmp/all.lst" > "$tmp/analysis.lst"
n_analysis=$(wc -l < "$tmp/analysis.lst")

# wall CMD... -> seconds of one run (exits the script if it fails)
wall() {
  local tf
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e" "$@" >/dev/null 2>"$tmp/err" || { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
  tail -1 "$tf"
  rm -f "$tf"
}

declare -A t
for kind in features analysis; do
  cli=() python=()
  for ((r = 0; r < runs; r++)); do
    if [[ $kind == features ]]; then
      cli+=("$(wall build/sentio features -q -j 2 @"$tmp/all.lst" -o /dev/null)")
      python+=("$(CALL_TIME_FILE="$tmp/call.features" wall "$py" bench/python_overhead.py features "$tmp/all.lst" 2)")
    else
      rm -rf "$tmp/out" && mkdir "$tmp/out"
      cli+=("$(wall build/sentio analyze -q -j 2 @"$tmp/analysis.lst" -o "$tmp/out")")
      rm -rf "$tmp/out" && mkdir "$tmp/out"
      python+=("$(CALL_TIME_FILE="$tmp/call.analysis" wall "$py" bench/python_overhead.py analysis "$tmp/analysis.lst" 2 "$tmp/out")")
    fi
  done
  t[$kind.cli]=$(median "${cli[@]}")
  t[$kind.py]=$(median "${python[@]}")
  mapfile -t calls < "$tmp/call.$kind"
  t[$kind.call]=$(median "${calls[@]}")
  t[$kind.runs]="cli ${cli[*]} / python ${python[*]}"
done

out=${OUT:-bench/python_overhead.md}
{
  echo "# Python overhead — $(date -u '+%F %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`bench/python_overhead.sh $runs\`${ANALYSIS_FILES:+ with ANALYSIS_FILES=$ANALYSIS_FILES}. Medians of $runs runs; command line and Python alternate."
  echo
  echo "| job | files | command line (s) | Python, whole process (s) | overhead | Python, after the imports (s) | overhead |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for kind in features analysis; do
    n=$n_files
    [[ $kind == analysis ]] && n=$n_analysis
    awk -v k="$kind" -v n="$n" -v c="${t[$kind.cli]}" -v p="${t[$kind.py]}" -v q="${t[$kind.call]}" \
      'BEGIN{printf "| %s | %d | %.2f | %.2f | %+.1f%% | %.2f | %+.1f%% |\n", k, n, c, p, 100*(p-c)/c, q, 100*(q-c)/c}'
  done
  echo
  echo "Runs (s): features: ${t[features.runs]}; analysis: ${t[analysis.runs]}."
} | tee "$out"
