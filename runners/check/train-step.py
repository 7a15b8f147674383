"""Two real training steps on an exported chat file: TRL's SFTTrainer on a tiny randomly
initialised Llama-shaped model, with a byte-level BPE tokenizer trained on the file itself and a
chatml chat template. Nothing is downloaded (HF_HUB_OFFLINE). Prints one JSON object: the
examples, the tokenizer's vocabulary, the steps run and each step's loss. Exits 1 when fewer
than two steps ran or a loss is not a finite number.

usage: python train-step.py FILE.jsonl   (a chatml or openai file: {"messages": [...]} lines)
"""
import json
import math
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import datasets  # noqa: E402
import torch  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast  # noqa: E402
from trl import SFTConfig, SFTTrainer  # noqa: E402

CHATML = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + "
          "message['content'] + '<|im_end|>' + '\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
SPECIAL = ["<|pad|>", "<|im_start|>", "<|im_end|>"]

torch.manual_seed(0)
datasets.disable_progress_bars()
data = datasets.load_dataset("json", data_files=sys.argv[1], split="train")
data = data.select_columns(["messages"])

# A tokenizer trained on the file's own text.
bpe = Tokenizer(models.BPE())
bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
bpe.decoder = decoders.ByteLevel()
texts = (turn["content"] for record in data for turn in record["messages"])
bpe.train_from_iterator(texts, trainers.BpeTrainer(
    vocab_size=512, special_tokens=SPECIAL,
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token="<|pad|>",
                                    bos_token="<|im_start|>", eos_token="<|im_end|>")
tokenizer.chat_template = CHATML

model = LlamaForCausalLM(LlamaConfig(
    vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
    num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=1024,
    pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
    eos_token_id=tokenizer.eos_token_id))

with tempfile.TemporaryDirectory() as out:
    trainer = SFTTrainer(
        model=model,
        args=SFTConfig(output_dir=out, max_steps=2, per_device_train_batch_size=2,
                       logging_steps=1, save_strategy="no", report_to=[], use_cpu=True,
                       max_length=512, learning_rate=1e-3, seed=0, disable_tqdm=True),
        train_dataset=data,
        processing_class=tokenizer)
    trainer.train()

losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
result = {"examples": data.num_rows, "vocab": len(tokenizer),
          "steps": trainer.state.global_step, "losses": losses}
print(json.dumps(result))
sys.exit(0 if trainer.state.global_step == 2 and len(losses) == 2
         and all(math.isfinite(loss) for loss in losses) else 1)
