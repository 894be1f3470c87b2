#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Text emotion benchmarks (issue 5): lexicon baseline and hashed n-gram linear model on the standard test
# splits, trained on train, decision tuned on dev (neutral offset / multi-label thresholds), hyper-parameters
# chosen on dev only (grid ranges in bench/text_models.md), then one evaluation on test:
#   MELD test weighted-F1 (7 classes)          EmoryNLP test weighted-F1 (7 classes, CoMPM TSV split)
#   DailyDialog test micro-F1 without neutral  GoEmotions-28 / Ekman-7 test macro-F1 (multi-label)
# plus prediction speed (utterances/s, 2 threads), and the conversation-context (ERC) model on MELD, EmoryNLP
# and DailyDialog with and without context. Writes bench/text_models.md.
# Usage: bench/text_models.sh [SHARED_DIR]   (default ../shared next to the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-${SENTIO_SHARED_DIR:-$here/../shared}}"
sentio="${SENTIO_BIN:-$here/build/sentio}"
jobs="${SENTIO_JOBS:-2}"
out="${SENTIO_BENCH_OUT:-$here/bench/text_models.md}"
[ -x "$sentio" ] || { echo "build first: $sentio not found" >&2; exit 1; }
T="$shared/data/text"
[ -d "$T" ] || { echo "skipped: $T not found" >&2; exit 0; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The lexicon model reads VADER and AFINN from these paths.
lex=(--lexicon "vader=$T/lexicon_vader/vader_lexicon.txt" --lexicon "afinn=$T/lexicon_afinn/AFINN-en-165.txt")

# name | train | dev | test | headline metric
sets=(
  "meld|$T/meld/train_sent_emo.csv|$T/meld/dev_sent_emo.csv|$T/meld/test_sent_emo.csv|weighted_f1"
  "emorynlp|$T/emorynlp/tsv_from_CoMPM/EMORY_train.txt|$T/emorynlp/tsv_from_CoMPM/EMORY_dev.txt|$T/emorynlp/tsv_from_CoMPM/EMORY_test.txt|weighted_f1"
  "dailydialog|$T/dailydialog/train/dialogues_train.txt|$T/dailydialog/validation/dialogues_validation.txt|$T/dailydialog/test/dialogues_test.txt|micro_f1_no_neutral"
  "goemotions28|$T/goemotions/original/train.tsv|$T/goemotions/original/dev.tsv|$T/goemotions/original/test.tsv|macro_f1"
  "goemotions_ekman|$T/goemotions/ekman/train.tsv|$T/goemotions/ekman/dev.tsv|$T/goemotions/ekman/test.tsv|macro_f1"
)
# Hyper-parameters per data set and model, chosen on the dev split (see bench/text_models.md).
params() {  # name type
  case "$1:$2" in
    meld:linear)             echo "--learning-rate 0.03 --epochs 8 --l2 1e-3 --class-weights sqrt" ;;
    emorynlp:linear)         echo "--learning-rate 0.05 --epochs 10 --l2 1e-3 --class-weights sqrt" ;;
    dailydialog:linear)      echo "--learning-rate 0.1 --epochs 3 --l2 1e-3 --class-weights none" ;;
    goemotions28:linear)     echo "--learning-rate 0.1 --epochs 3 --l2 1e-6 --class-weights sqrt" ;;
    goemotions_ekman:linear) echo "--learning-rate 0.1 --epochs 8 --l2 1e-3 --class-weights none" ;;
    dailydialog:lexicon)     echo "--learning-rate 0.02 --epochs 10 --class-weights none" ;;
    *:lexicon)               echo "--learning-rate 0.1 --epochs 10 --class-weights sqrt" ;;
  esac
}

for s in "${sets[@]}"; do
  IFS='|' read -r name train dev test metric <<<"$s"
  # variants: lexicon model; linear model; linear model with the lexicon features appended ("hybrid")
  for variant in lexicon linear hybrid; do
    type=$variant
    extra=()
    [ "$variant" = hybrid ] && type=linear
    [ "$variant" != linear ] && extra=("${lex[@]}")
    # shellcheck disable=SC2046
    "$sentio" train text -q --type "$type" --data "$train" --dev "$dev" -o "$tmp/$name.$variant.stm" \
      $(params "$name" "$type") "${extra[@]}"
    "$sentio" eval text --model "$tmp/$name.$variant.stm" --data "$test" --json -j "$jobs" > "$tmp/$name.$variant.json"
    echo "$name $variant $metric $(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))[sys.argv[2]], 4))" "$tmp/$name.$variant.json" "$metric")"
  done
done
# Conversation context (ERC): a stacked context model over the base model chosen on dev (linear or
# linear+lexicon), trained with `--context`; one evaluation on test reports both the context prediction
# and the base model alone ("no_context"). Parameters chosen on dev (see bench/text_models.md).
ctx_params() {  # name -> base variant | context options
  case "$1" in
    meld)        echo "hybrid|--context-window 3 --context-learning-rate 0.05 --context-epochs 10 --context-class-weights balanced" ;;
    emorynlp)    echo "hybrid|--context-window 3 --context-learning-rate 0.05 --context-epochs 10 --context-class-weights none" ;;
    dailydialog) echo "hybrid|--context-window 3 --context-learning-rate 0.05 --context-epochs 10 --context-class-weights none" ;;
  esac
}
for s in "${sets[@]:0:3}"; do
  IFS='|' read -r name train dev test metric <<<"$s"
  IFS='|' read -r variant copts <<<"$(ctx_params "$name")"
  extra=()
  [ "$variant" = hybrid ] && extra=("${lex[@]}")
  # shellcheck disable=SC2046
  "$sentio" train text -q --context -j "$jobs" --data "$train" --dev "$dev" -o "$tmp/$name.context.stc" \
    $(params "$name" linear) "${extra[@]}" $copts
  "$sentio" eval text --model "$tmp/$name.context.stc" --data "$test" --json -j "$jobs" > "$tmp/$name.context.json"
  "$sentio" eval text --model "$tmp/$name.context.stc" --data "$dev" --json -j "$jobs" > "$tmp/$name.context.dev.json"
  stat -c %s "$tmp/$name.context.stc" > "$tmp/$name.context.size"
  echo "$name context($variant) $metric $(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(round(j[sys.argv[2]], 4), 'no context', round(j['no_context'][sys.argv[2]], 4))" "$tmp/$name.context.json" "$metric")"
done
# Context prediction speed: the MELD context model over the 87,170 DailyDialog train utterances (11,118 dialogues).
"$sentio" eval text --model "$tmp/meld.context.stc" --data "$T/dailydialog/train/dialogues_train.txt" --json -j "$jobs" > "$tmp/speedctx.json"
# Speed: the MELD (7 labels) and GoEmotions-28 linear models over the 43,410 GoEmotions train texts.
"$sentio" eval text --model "$tmp/meld.linear.stm" --data "$T/goemotions/ekman/train.tsv" --json -j "$jobs" > "$tmp/speed7.json"
"$sentio" eval text --model "$tmp/meld.hybrid.stm" --data "$T/goemotions/ekman/train.tsv" --json -j "$jobs" > "$tmp/speed7h.json"
"$sentio" eval text --model "$tmp/goemotions28.linear.stm" --data "$T/goemotions/original/train.tsv" --json -j "$jobs" > "$tmp/speed28.json"

python3 - "$tmp" "$out" "$jobs" <<'PY'
import json, sys, os, platform, subprocess, datetime
tmp, out, jobs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [("meld", "MELD test, 7 classes", "weighted_f1", "weighted-F1", 0.60),
        ("emorynlp", "EmoryNLP test, 7 classes", "weighted_f1", "weighted-F1", 0.36),
        ("dailydialog", "DailyDialog test", "micro_f1_no_neutral", "micro-F1 w/o neutral", 0.50),
        ("goemotions28", "GoEmotions-28 test (multi-label)", "macro_f1", "macro-F1", 0.40),
        ("goemotions_ekman", "GoEmotions Ekman-7 test (multi-label)", "macro_f1", "macro-F1", None)]
cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
L = ["# Text emotion benchmarks", "",
     f"Generated by `bench/text_models.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {cpu}, "
     f"{os.cpu_count()} cores (shared), {jobs} prediction threads. Models trained on train, decision tuned on dev "
     "(neutral offset or per-label thresholds), hyper-parameters chosen on dev only (see the script), one run on test. "
     "The first table scores utterance-level models; the conversation-context (ERC) models are in their own section.", "",
     "Hyper-parameters were picked on the dev split from grids over learning rate {0.02..0.1}, epochs {2..10}, "
     "L2 {0, 1e-5..1e-2} and class weights {none, sqrt} (linear) or learning rate {0.02, 0.1}, epochs {3, 10} and "
     "class weights {none, sqrt} (lexicon); the chosen values are in bench/text_models.sh.", "",
     "Columns: `lexicon` = the lexicon baseline (VADER + AFINN-en-165 features, softmax/sigmoid); `linear` = hashed "
     "word/char n-grams; `linear+lex` = the linear model with the lexicon features appended (`--type linear --lexicon ...`, "
     "same hyper-parameters as linear).", "",
     "| data | metric | lexicon | linear | linear+lex | target | linear weighted-F1 | linear macro-F1 | linear accuracy |",
     "|---|---|---|---|---|---|---|---|---|"]
for key, title, metric, mname, target in rows:
    lx = json.load(open(f"{tmp}/{key}.lexicon.json"))
    ln = json.load(open(f"{tmp}/{key}.linear.json"))
    hy = json.load(open(f"{tmp}/{key}.hybrid.json"))
    t = f"{target:.2f}" if target else "-"
    best = max(ln[metric], hy[metric], lx[metric])
    ok = "" if target is None else (" met" if best >= target else " not met")
    L.append(f"| {title} | {mname} | {lx[metric]:.4f} | {ln[metric]:.4f} | {hy[metric]:.4f} | {t}{ok} | {ln['weighted_f1']:.4f} | "
             f"{ln['macro_f1']:.4f} | {ln['accuracy']:.4f} |")
s7 = json.load(open(f"{tmp}/speed7.json"))
s28 = json.load(open(f"{tmp}/speed28.json"))
s7h = json.load(open(f"{tmp}/speed7h.json"))
s_ctx = json.load(open(f"{tmp}/speedctx.json"))
L += ["", "## Speed (prediction incl. feature extraction, 2 threads on a shared 2-core machine)", "",
      f"* 7 labels (MELD model) over {s7['n']} GoEmotions texts: {s7['utterances_per_second']:.0f} utterances/s on {jobs} threads",
      f"* 7 labels, linear+lex (MELD model) over the same texts: {s7h['utterances_per_second']:.0f} utterances/s on {jobs} threads",
      f"* 28 labels (GoEmotions-28 model) over {s28['n']} texts: {s28['utterances_per_second']:.0f} utterances/s on {jobs} threads",
      f"* context model (MELD, linear+lex base + stacked context) over {s_ctx['n']} DailyDialog dialogue utterances: "
      f"{s_ctx['utterances_per_second']:.0f} utterances/s on {jobs} threads (base scores + context, both outputs)",
      "  (target >= 20,000 utterances/s on 2 threads)", ""]
ctx_rows = [("meld", "MELD test, 7 classes", "weighted_f1", "weighted-F1", 0.60),
            ("emorynlp", "EmoryNLP test, 7 classes", "weighted_f1", "weighted-F1", 0.36),
            ("dailydialog", "DailyDialog test", "micro_f1_no_neutral", "micro-F1 w/o neutral", 0.50)]
L += ["## Conversation context (ERC)", "",
      "`sentio train text --context`: the base model (same hyper-parameters as the linear column; linear+lex for MELD, "
      "EmoryNLP and DailyDialog, picked on dev) plus a stacked softmax second stage over the base scores of "
      "the utterance, the previous utterances by same/other speaker, the speaker's previous utterance, running "
      "means and position (docs/TEXT.md). Causal: only earlier utterances are used. The second stage is trained on "
      "5-fold out-of-fold base scores (folds over dialogues); its parameters (window {1,3,5}, learning rate "
      "{0.02,0.05,0.1}, epochs {5,10,20}, class weights {none,sqrt,balanced}, L2 {1e-5,1e-4,1e-3}, previous-utterance "
      "words {off, 2^16}; about 25 combinations explored, not a full grid) were chosen on dev; the base variant likewise (linear vs linear+lex). `no context` is the embedded base model alone (dev-tuned neutral "
      "offset), from the same `eval text` run.", "",
      "| data | metric | no context | context | gain | dev no context | dev context | target | model size |",
      "|---|---|---|---|---|---|---|---|---|"]
for key, title, metric, mname, target in ctx_rows:
    c = json.load(open(f"{tmp}/{key}.context.json"))
    d = json.load(open(f"{tmp}/{key}.context.dev.json"))
    size = int(open(f"{tmp}/{key}.context.size").read()) / 1e6
    best = max(c[metric], c["no_context"][metric])
    ok = " met" if best >= target else " not met"
    L.append(f"| {title} | {mname} | {c['no_context'][metric]:.4f} | {c[metric]:.4f} | {c[metric] - c['no_context'][metric]:+.4f} | "
             f"{d['no_context'][metric]:.4f} | {d[metric]:.4f} | {target:.2f}{ok} | {size:.1f} MB |")
L += ["", "## Per-class F1 (linear)", ""]
for key, title, *_ in rows:
    ln = json.load(open(f"{tmp}/{key}.linear.json"))
    L.append(f"* {title}: " + ", ".join(f"{k} {v['f1']:.3f}" for k, v in ln["per_class"].items()))
open(out, "w").write("\n".join(L) + "\n")
print("wrote", out)
PY
