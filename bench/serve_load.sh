#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load on `sentio serve` (docs/SERVE.md), three parts, each against its own fresh server on 127.0.0.1:
#  (a) SESSIONS (100) concurrent WebSocket streams of 20-s RAVDESS recordings at real-time pace: results, equality
#      with `sentio analyze FILE --max-segment 4 -q`, segment-event delay, send backpressure, peak RSS;
#  (b) CLIENTS (8) concurrent clients POSTing a 3-s WAV to /v1/analyze for REST_SECONDS (60): requests/s,
#      latency, equality with `sentio analyze clip.wav -q`;
#  (c) a soak of SOAK_MINUTES (60): streams and requests opening and closing continuously; RSS and open fds
#      every 10 s (first / last / max / slope).
# Run it on a quiet machine: the clients share the machine with the server.
#   bench/serve_load.sh [SOAK_MINUTES=60]       (writes bench/serve_load.md)
#   SESSIONS=5 REST_SECONDS=10 OUT=/tmp/x.md bench/serve_load.sh 1     (a quick check)
#   SENTIO=other/sentio PARTS="streams rest" bench/serve_load.sh          (another binary; some parts)
set -euo pipefail
cd "$(dirname "$0")/.."
soak=${1:-60}
sessions=${SESSIONS:-100}
clients=${CLIENTS:-8}
rest_seconds=${REST_SECONDS:-60}
parts=${PARTS:-streams rest soak}
shared=${SENTIO_SHARED_DIR:-../shared}
py=${SENTIO_PYTHON:-/usr/bin/python3}
[[ -f "$shared/data/ser/ravdess/manifest.csv" ]] || { echo "skipped: $shared/data/ser/ravdess not found"; exit 0; }
"$py" -c 'import websockets' 2>/dev/null || { echo "skipped: $py has no websockets (apt-get install python3-websockets)"; exit 0; }
command -v sox >/dev/null || { echo "skipped: sox is not installed"; exit 0; }
sentio=${SENTIO:-build/sentio}
[[ -x "$sentio" ]] || { echo "$sentio not found: build first" >&2; exit 1; }

out=${OUT:-bench/serve_load.md}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
read -r -a part_list <<< "$parts"
args=("${part_list[@]}" --sentio "$sentio" --sessions "$sessions" --clients "$clients" --seconds "$rest_seconds"
      --soak-minutes "$soak" --shared "$shared")
{
  echo "# sentio serve under load — $(date -u '+%F %H:%M') UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "Command: \`${SENTIO:+SENTIO=$SENTIO }${SESSIONS:+SESSIONS=$SESSIONS }${CLIENTS:+CLIENTS=$CLIENTS }${REST_SECONDS:+REST_SECONDS=$REST_SECONDS }${PARTS:+PARTS=\"$PARTS\" }bench/serve_load.sh $soak\`, i.e."
  echo "\`bench/serve_load.py ${args[*]}\`. Client and server share the machine; delays are wall-clock"
  echo "(time.monotonic) on the client side. Latency percentiles are nearest-rank."
  echo
  echo "Load at the start: $(uptime | sed 's/.*load average/load average/')"
  echo
} > "$tmp"
status=0
"$py" bench/serve_load.py "${args[@]}" >> "$tmp" || status=$?
{ [[ $status == 0 ]] || printf '\n**serve_load.py exited with %s: see the problems listed above.**\n\n' "$status"
  echo "Load at the end: $(uptime | sed 's/.*load average/load average/')"; } >> "$tmp"
cp "$tmp" "$out"
cat "$out"
exit "$status"
