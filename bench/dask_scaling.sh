#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Scale-out through Dask (docs/SCALE.md): sentio.distributed.process_files, eGeMAPS v02 functionals over the
# 1,440 RAVDESS files, on a LocalCluster of 1 worker process vs 2 worker processes (1 thread each), with 1,
# 16 and 64 files per task, and in one process without Dask for reference. Every cluster is warmed up (started,
# plugin registered, one file per worker) before timing; the runs go round all rows; medians of RUNS runs,
# speed-up measured in the same run, peak RSS per worker (psutil, sampled). Needs the Python module
# (build/python) and Debian's python3 with dask and distributed.
#   bench/dask_scaling.sh [RUNS=3]            (writes bench/dask_scaling.md)
#   LIMIT=60 OUT=/tmp/x.md bench/dask_scaling.sh 1   (a quick check on the first 60 files, elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${SENTIO_SHARED_DIR:-../shared}
build=${SENTIO_BUILD_DIR:-build}
python=${SENTIO_PYTHON:-/usr/bin/python3}
manifest="$shared/data/ser/ravdess/manifest.csv"
[[ -f "$manifest" ]] || { echo "skipped: $manifest not found"; exit 0; }
compgen -G "$build/python/sentio/_sentio*.so" >/dev/null || { echo "build the Python module first ($build/python/sentio)"; exit 1; }
"$python" -c 'import distributed, psutil' 2>/dev/null || { echo "skipped: $python has no dask distributed or psutil"; exit 0; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
out=${OUT:-bench/dask_scaling.md}
{
  echo "# Scale-out through Dask — $(date -u '+%F %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`${LIMIT:+LIMIT=$LIMIT }bench/dask_scaling.sh $runs\`: \`sentio.distributed.process_files\`"
  echo "(kind features, eGeMAPS v02 functionals) over the files of $manifest, on a LocalCluster"
  echo "of N worker processes × 1 thread (dask/distributed $("$python" -c 'import distributed; print(distributed.__version__)'))."
  echo "Wall time from the first submit to the DataFrame; peak RSS of each worker process (psutil, every 50 ms)."
  echo
  echo "Load at the start: $(uptime | sed 's/.*load average/load average/')"
  echo
  PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}" "$python" bench/dask_scaling.py \
    --manifest "$manifest" --runs "$runs" ${LIMIT:+--limit "$LIMIT"} --in-process 2>"$log" ||
    { cat "$log" >&2; echo "failed: bench/dask_scaling.py" >&2; exit 1; }
  echo
  echo "Load at the end: $(uptime | sed 's/.*load average/load average/')"
} | tee "$out"
