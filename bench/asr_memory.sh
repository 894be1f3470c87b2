#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Resident memory of pocketsphinx decoders (sentio::asr::SpeechRecognizer): 1, 2 and 4 decoders with the
# en-us language model and with the GRID grammar (bench/asr/grid.jsgf), either in one shared
# SpeechRecognizer (preload) or as independent single-decoder recognizers (the old one-Recognizer-per-
# worker layout). Each configuration runs in its own process: the test SpeechRecognizerMemory.Report of
# build/tests/test_asr_unit reads VmRSS, RssAnon, RssFile (/proc/self/status) and Pss
# (/proc/self/smaps_rollup) after each step.
# Usage: bench/asr_memory.sh  -> prints a Markdown table (the figures of bench/asr_memory.md)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
test_bin="${SENTIO_TEST_ASR_UNIT:-$here/build/tests/test_asr_unit}"
[ -x "$test_bin" ] || { echo "build first: cmake --build build --target test_asr_unit" >&2; exit 1; }

echo "| search | layout | decoders | VmRSS (MB) | RssAnon (MB) | RssFile (MB) | Pss (MB) | RssAnon per added decoder (MB) |"
echo "|---|---|---|---|---|---|---|---|"
for search in lm grammar; do
  for layout in shared independent; do
    SENTIO_ASR_MEMORY="$search $layout" "$test_bin" --gtest_filter=SpeechRecognizerMemory.Report |
      awk -v s="$search" -v l="$layout" '
        /^asr_memory / {
          for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
          n = v["decoders"]
          per = (n > 0) ? sprintf("%.1f", (v["anon_mb"] - prev_anon) / (n - prev_n)) : "-"
          printf "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %s |\n", s, l, n, v["rss_mb"], v["anon_mb"], v["file_mb"], v["pss_mb"], per
          prev_anon = v["anon_mb"]; prev_n = n
        }
        /FAILED|Failure/ { failed = 1 }
        END { if (failed) { print "memory test failed" > "/dev/stderr"; exit 1 } }'
  done
done
