#!/usr/bin/env bash
# runners/train-step.sh: two real training steps on what trainset exports, with nothing
# downloaded. It exports pipelines/chat.yaml as chatml (or takes FILE, a chatml or openai JSON
# lines file), then runs runners/check/train-step.py: TRL's SFTTrainer, two steps, on a tiny
# randomly initialised Llama-shaped model, with a byte-level BPE tokenizer trained on the file
# and a chatml chat template. It prints the steps' losses as JSON and exits 1 unless two steps
# ran with finite losses.
#
# trl, transformers, accelerate and the CPU torch go into the git-ignored runners/check/.venv-train
# from the local package index pip is configured with (first run: several minutes; the steps
# themselves take ~30 s). Not part of .ci/run: the install alone takes longer than that.
#
# Usage: runners/train-step.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

venv=runners/check/.venv-train
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import trl, torch' 2>/dev/null; then
  pip_config=$(python3 -m pip config list 2>/dev/null || true)
  local_index=""
  for url in $(printf '%s\n' "$pip_config" | sed -n "s/^[a-z:.]*\(index-url\|extra-index-url\)='\(.*\)'$/\2/p"); do
    case "$url" in
      file://*|http://localhost*|http://127.*) local_index="$url"; break ;;
    esac
  done
  if [ -z "$local_index" ]; then
    echo "train-step: pip has no local package index configured (pip config list)" >&2
    exit 2
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --index-url "$local_index" \
    trl transformers accelerate torch datasets tokenizers
fi

file=${1:-}
if [ -z "$file" ]; then
  [ -f target/trainset.jar ] || mvn -B -q -DskipTests package
  out=target/train-step
  java -jar target/trainset.jar --pipeline=pipelines/chat.yaml --formats=chatml --outputDir="$out"
  file=$(ls "$out"/chatml/train-*.jsonl | head -n 1)
fi
echo "train-step: $file" >&2
"$venv/bin/python" runners/check/train-step.py "$file"
