#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Word error rate and speed of `sentio transcribe` (pocketsphinx 5prealpha, Debian en-us model) on:
#   (a) the 24 everyday sentences of bench/asr/sentences.txt synthesized with espeak-ng, three voices
#       (the acoustic model's accuracy depends a lot on the synthesizer): en-us+klatt4 (Klatt formant
#       synthesis) and en-us at 150 words/min, and espeak-ng's default voice (en, 175 words/min);
#   (b) the 11 GRID clips in ../shared/data/video/grid (audio of the MPEG videos), with the general
#       language model and with the GRID grammar bench/asr/grid.jsgf. Each GRID file name spells its
#       sentence: command colour preposition letter digit adverb (bbaf2n = "bin blue at f two now").
# Every run is one process on one thread (-j 1), so the model is loaded once per run; the real-time
# factor (RTF) is wall time / audio duration, with and without that load (measured on 1 s of silence).
# WER: lower-case, punctuation removed (inner apostrophes kept), Levenshtein alignment over words, errors
# summed over the set before dividing (the same rules as include/sentio/asr/wer.hpp).
# Usage: bench/asr_wer.sh [SHARED_DIR]  -> writes bench/asr_wer.md (and prints it)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
out_md="${SENTIO_ASR_REPORT:-$here/bench/asr_wer.md}"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

# run NAME REFS.tsv [transcribe options] -- FILES...: transcribes FILES into $tmp/NAME/, records wall time.
run() {
  local name=$1 refs=$2
  shift 2
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  mkdir -p "$tmp/$name"
  local t0 t1
  t0=$(now)
  "$sentio" transcribe -q -j 1 --format json "${opts[@]}" -o "$tmp/$name/" "$@"
  t1=$(now)
  local shown="sentio transcribe -q -j 1 --format json${opts[*]:+ ${opts[*]}} -o OUT/ FILES..."
  echo "$name	$refs	$(python3 -c "print($t1 - $t0)")	${shown//$here\//}" >> "$tmp/runs.tsv"
}

# --- model load time: 1 s of silence (no utterance is decoded)
sox -n -r 16000 -c 1 -b 16 "$tmp/silence.wav" trim 0 1
load_s=1e9
for _ in 1 2 3; do  # the fastest of three runs
  t0=$(now); "$sentio" transcribe -q -j 1 "$tmp/silence.wav" > /dev/null; t1=$(now)
  load_s=$(python3 -c "print(min($load_s, $t1 - $t0))")
done

# --- (a) synthesized sentences
synth() {  # voice_name espeak-options...
  local name=$1
  shift
  mkdir -p "$tmp/wav_$name"
  : > "$tmp/refs_$name.tsv"
  local i=0
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    i=$((i + 1))
    local base
    base=$(printf 's%02d' "$i")
    espeak-ng "$@" -w "$tmp/raw.wav" "$line"
    # 3 dB of head-room: some voices clip in the resampler otherwise; -D: no random dither, so that
    # runs are repeatable
    sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$tmp/wav_$name/$base.wav" gain -3
    printf '%s\t%s\n' "$base" "$line" >> "$tmp/refs_$name.tsv"
  done < "$here/bench/asr/sentences.txt"
}
synth en-us+klatt4-150 -v en-us+klatt4 -s 150
synth en-us-150 -v en-us -s 150
synth en-175 -v en -s 175
run espeak_en-us+klatt4-150_lm "$tmp/refs_en-us+klatt4-150.tsv" -- "$tmp"/wav_en-us+klatt4-150/*.wav
run espeak_en-us-150_lm "$tmp/refs_en-us-150.tsv" -- "$tmp"/wav_en-us-150/*.wav
run espeak_en-175_lm "$tmp/refs_en-175.tsv" -- "$tmp"/wav_en-175/*.wav

# --- (b) GRID
grid="$shared/data/video/grid"
if [ -d "$grid" ]; then
  python3 - "$grid" > "$tmp/refs_grid.tsv" <<'PY'
import os, sys
cmd = dict(b="bin", l="lay", p="place", s="set"); col = dict(b="blue", g="green", r="red", w="white")
pre = dict(a="at", b="by", i="in", w="with"); adv = dict(a="again", n="now", p="please", s="soon")
dig = dict(zip("z123456789", "zero one two three four five six seven eight nine".split()))
for f in sorted(os.listdir(sys.argv[1])):
    if f.endswith(".mpg"):
        c = f[:-4][-6:]
        print(f"{f[:-4]}\t{cmd[c[0]]} {col[c[1]]} {pre[c[2]]} {c[3]} {dig[c[4]]} {adv[c[5]]}")
PY
  run grid_lm "$tmp/refs_grid.tsv" -- "$grid"/*.mpg
  run grid_grammar "$tmp/refs_grid.tsv" --grammar "$here/bench/asr/grid.jsgf" -- "$grid"/*.mpg
else
  echo "skipped GRID: $grid not found" >&2
fi

# --- report
python3 - "$tmp" "$load_s" "$out_md" <<'PY'
import json, os, re, subprocess, sys, datetime, platform
tmp, load_s, out_md = sys.argv[1], float(sys.argv[2]), sys.argv[3]

def words(text):
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    text = re.sub(r"[^\w'\s]|_", " ", text)
    return [re.sub(r"^'+|'+$", "", w) for w in text.split() if w.strip("'")]

def align(ref, hyp):  # -> (S, D, I)
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1): d[i][0] = i
    for j in range(m + 1): d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i-1][j-1] + (ref[i-1] != hyp[j-1]), d[i-1][j] + 1, d[i][j-1] + 1)
    s = dl = ins = 0; i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i-1][j-1] + (ref[i-1] != hyp[j-1]):
            s += ref[i-1] != hyp[j-1]; i -= 1; j -= 1
        elif i > 0 and d[i][j] == d[i-1][j] + 1: dl += 1; i -= 1
        else: ins += 1; j -= 1
    return s, dl, ins

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
lines = [
    "# Speech recognition: word error rate and speed",
    "",
    f"Generated by `bench/asr_wer.sh` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
    f"machine: {cpu}, {os.cpu_count()} logical CPUs (shared with other jobs); engine pocketsphinx 5prealpha "
    "(Debian 0.8+5prealpha+1), acoustic model en-us, LM en-us.lm.bin, dictionary cmudict-en-us.dict; "
    "VAD segments from sentio::speech, 0.2 s padding, one thread.",
    "",
    f"Model load + start-up (1 s of silence, nothing decoded; fastest of 3): {load_s:.2f} s per run.",
    "",
    "| set | files | ref words | S | D | I | WER | audio (s) | wall (s) | RTF | RTF without load | command |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]
details = []
for row in open(os.path.join(tmp, "runs.tsv")):
    name, refs, wall, command = row.rstrip("\n").split("\t")
    wall = float(wall)
    refs = dict(l.rstrip("\n").split("\t", 1) for l in open(refs))
    S = D = I = N = 0; audio = 0.0
    details += ["", f"### {name}", "", "| file | reference | recognized | errors |", "|---|---|---|---|"]
    for base, ref in sorted(refs.items()):
        j = json.load(open(os.path.join(tmp, name, base + ".json")))
        audio += j["duration"]
        hyp = " ".join(u["text"] for u in j["utterances"])
        s, d, i = align(words(ref), words(hyp))
        S += s; D += d; I += i; N += len(words(ref))
        details.append(f"| {base} | {ref} | {hyp} | {s + d + i} |")
    lines.append(f"| {name} | {len(refs)} | {N} | {S} | {D} | {I} | **{(S + D + I) / N:.3f}** | {audio:.1f} | "
                 f"{wall:.1f} | {wall / audio:.3f} | {max(0.0, wall - load_s) / audio:.3f} | `{command}` |")
lines += ["", "Sets: `espeak_en-us+klatt4-150` = espeak-ng `-v en-us+klatt4 -s 150`; `espeak_en-us-150` = espeak-ng `-v en-us -s 150`; `espeak_en-175` = espeak-ng default voice "
          "(`-v en -s 175`); `grid_lm` = GRID clips with the general LM; `grid_grammar` = with `--grammar "
          "bench/asr/grid.jsgf`.", "",
          "WER: errors (S + D + I) summed over the set / reference words. RTF: wall time of the whole run "
          "(decode, VAD, recognition, writing) / audio duration; 'without load' subtracts the model load + "
          "start-up measured above. The machine was shared with other jobs, so times are upper bounds.", "",
          "Reading: pocketsphinx's en-us model with its general trigram LM is weak on synthetic speech and very "
          "sensitive to the voice (Klatt voice ~0.4, espeak-ng's default voices ~0.7); on GRID's command sentences "
          "(no n-gram context, isolated letters and digits) the LM gets few words right, while the GRID grammar "
          "leaves only letter/digit confusions. Synthesis uses `sox -D` (no random dither) so runs repeat exactly; "
          "the recognizer adds its own fixed-seed dither.",
          "", "## Per file"] + details
open(out_md, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[:len(lines) - len(details)]))
PY
