"""Loads every format of a trainset output folder with HuggingFace `datasets` as a user would, and
reads the trainer hand-off (_report/llama_factory/dataset_info.json, _report/axolotl/*.yaml) the
way LLaMA-Factory's and Axolotl's dataset loaders read it. Prints one JSON object:

  "formats": {format: {split: {"rows", "features", "first"}}}   what load_dataset gave
  "llama_factory": {entry: {"records", "problems"}}              each dataset_info.json entry
  "axolotl": {format: {"datasets", "test_datasets", "problems"}}  each <format>.yaml

The loaders' column access is reproduced from their source (LLaMA-Factory
src/llamafactory/data/parser.py DatasetAttr and converter.py Alpaca/SharegptDatasetConverter;
Axolotl src/axolotl/utils/data/shared.py load_dataset_with_config, schemas/validation.py
check_val_w_test_datasets, prompt_strategies/chat_template.py get_conversation_thread and
transform_message, prompt_tokenizers.py AlpacaPromptTokenizingStrategy): each problem is a record
or setting on which the trainer would fail (KeyError, a missing field, a null where text goes).

usage: python read-with-datasets.py OUTPUT_DIR
"""
import glob
import json
import os
import re
import sys
from pathlib import Path

import datasets
import yaml

datasets.disable_progress_bars()
datasets.logging.set_verbosity_error()

out = sys.argv[1]
SHARD = re.compile(r"^(.+?)-\d{5}-of-\d{5}")


def simplify(feature):
    """A feature as plain JSON: a dtype, [element] for a list, {field: ...} for a struct."""
    if isinstance(feature, datasets.Value):
        return feature.dtype
    if isinstance(feature, dict):
        return {name: simplify(f) for name, f in feature.items()}
    if isinstance(feature, list):
        return [simplify(feature[0])]
    if hasattr(feature, "feature"):  # List / Sequence / LargeList
        return [simplify(feature.feature)]
    return type(feature).__name__


def by_split(files):
    splits = {}
    for path in sorted(files):
        match = SHARD.match(os.path.basename(path))
        splits.setdefault(match.group(1) if match else os.path.basename(path), []).append(path)
    return splits


def described(dataset_dict):
    return {split: {"rows": ds.num_rows, "features": simplify(ds.features),
                    "first": ds[0] if ds.num_rows else None}
            for split, ds in sorted(dataset_dict.items())}


def files_of(fmt, pattern):
    return glob.glob(f"{out}/{fmt}/**/{pattern}", recursive=True)


BUILDERS = {
    "jsonl": ("json", "*-of-*.jsonl"), "chatml": ("json", "*-of-*.jsonl"),
    "openai": ("json", "*-of-*.jsonl"), "anthropic": ("json", "*-of-*.jsonl"),
    "tokens": ("json", "*-of-*.jsonl"), "alpaca": ("json", "*-of-*.json"),
    "sharegpt": ("json", "*-of-*.json"), "text": ("text", "*-of-*.txt"),
    "csv": ("csv", "*-of-*.csv"), "parquet": ("parquet", "*-of-*.parquet"),
}

formats = {}
for fmt in sorted(os.listdir(out)):
    if fmt == "huggingface":
        formats[fmt] = described(datasets.load_dataset(f"{out}/huggingface"))
    elif fmt in BUILDERS:
        builder, pattern = BUILDERS[fmt]
        # Split by split: alpaca's and sharegpt's optional columns (system, history, input) are in
        # a file only when its records have them, and one load_dataset call of several splits
        # casts them all to the first split's columns.
        formats[fmt] = described({
            split: datasets.load_dataset(builder, data_files=files, split="train")
            for split, files in by_split(files_of(fmt, pattern)).items()})


# LLaMA-Factory: DatasetAttr.join reads "columns" (an absent column name is None) and "tags".
LF_COLUMNS = ["prompt", "query", "response", "history", "messages", "system", "tools", "images",
              "videos", "audios", "chosen", "rejected", "kto_tag"]
LF_DEFAULTS = {"prompt": "instruction", "query": "input", "response": "output", "history": None,
               "messages": "conversations", "system": None, "tools": None, "images": None,
               "videos": None, "audios": None, "chosen": None, "rejected": None, "kto_tag": None,
               "role_tag": "from", "content_tag": "value", "user_tag": "human",
               "assistant_tag": "gpt", "observation_tag": "observation",
               "function_tag": "function_call", "system_tag": "system"}
LF_TAGS = ["role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag",
           "function_tag", "system_tag"]


def lf_attr(entry):
    attr = dict(LF_DEFAULTS)
    attr["formatting"] = entry.get("formatting", "alpaca")
    if "columns" in entry:
        for name in LF_COLUMNS:
            attr[name] = entry["columns"].get(name)
    if "tags" in entry:
        for name in LF_TAGS:
            attr[name] = entry["tags"].get(name)
    return attr


def lf_alpaca(a, example):
    # AlpacaDatasetConverter.__call__: every mapped column is indexed directly.
    if a["history"] and isinstance(example[a["history"]], list):
        for old_prompt, old_response in example[a["history"]]:
            assert isinstance(old_prompt, str) and isinstance(old_response, str), "history pair"
    if a["prompt"]:
        example[a["prompt"]]
    if a["query"]:
        example[a["query"]]
    assert isinstance(example[a["response"]], str), "response is not text"
    if a["system"]:
        example[a["system"]]


def lf_sharegpt(a, example):
    # SharegptDatasetConverter.__call__: the system turn or column, then alternating tags.
    messages = example[a["messages"]]
    if a["system_tag"] and messages and messages[0][a["role_tag"]] == a["system_tag"]:
        messages = messages[1:]
    elif a["system"]:
        example[a["system"]]
    odd = (a["user_tag"], a["observation_tag"])
    even = (a["assistant_tag"], a["function_tag"])
    for i, message in enumerate(messages):
        assert message[a["role_tag"]] in (odd, even)[i % 2], f"invalid role tag in turn {i}"
        message[a["content_tag"]]
    assert len(messages) % 2 == 0, "invalid message count"


llama_factory = {}
with open(f"{out}/_report/llama_factory/dataset_info.json") as f:
    dataset_info = json.load(f)
for name, entry in dataset_info.items():
    a = lf_attr(entry)
    # loader._load_single_dataset: a local file, its type from the extension.
    ext = os.path.splitext(entry["file_name"])[1][1:]
    builder = {"json": "json", "jsonl": "json", "csv": "csv", "parquet": "parquet"}[ext]
    ds = datasets.load_dataset(builder, data_files=[entry["file_name"]], split="train")
    problems = []
    for i, example in enumerate(ds):
        try:
            (lf_alpaca if a["formatting"] == "alpaca" else lf_sharegpt)(a, example)
        except (KeyError, AssertionError, TypeError) as e:
            problems.append(f"record {i}: {type(e).__name__}: {e}")
    llama_factory[name] = {"records": ds.num_rows, "problems": problems[:5]}


# Axolotl
AXOLOTL_ROLES = {"user": ["human", "user"], "assistant": ["gpt", "assistant"],
                 "system": ["system"], "tool": ["tool"]}


def axolotl_load(ds_cfg):
    # shared.load_dataset_with_config: a path that exists locally is loaded from it; anything
    # else is asked of the Hub (which fails here, with no network).
    path = Path(ds_cfg["path"])
    if not path.exists():
        raise ValueError(f"path {ds_cfg['path']} does not exist: Axolotl would ask the Hub")
    split = ds_cfg.get("split") or None
    ds_type = ds_cfg.get("ds_type") or "json"
    if path.is_dir():
        if not ds_cfg.get("data_files"):
            raise ValueError("a folder without data_files: Axolotl calls load_from_disk on it")
        return datasets.load_dataset(ds_type, data_files=ds_cfg["data_files"], split=split)
    return datasets.load_dataset(ds_type, data_files=str(path), split=split or "train")


def axolotl_record(cfg, ds_cfg, prompt):
    if ds_cfg["type"] == "alpaca":
        # AlpacaPromptTokenizingStrategy.parse_instruction_fields
        prompt["instruction"]
        prompt["output"]
        return
    assert ds_cfg["type"] == "chat_template", ds_cfg["type"]
    messages = prompt.get(ds_cfg.get("field_messages", "messages"))
    assert isinstance(messages, list), "Messages is null. Please check `field_messages`."
    mapping = ds_cfg.get("message_property_mappings") or {"role": "role", "content": "content"}
    roles = ds_cfg.get("roles") or AXOLOTL_ROLES
    to_role = {source: target for target, sources in roles.items() for source in sources}
    turns = []
    for message in messages:
        turn = {key: message.get(value) for key, value in mapping.items()
                if message.get(value) is not None}
        assert "role" in turn and "content" in turn, f"turn without role or content: {message}"
        turns.append(to_role.get(turn["role"], turn["role"]))
    if turns and turns[0] != "system" and "system" in prompt:
        # get_conversation_thread adds {"role": "system", "content": prompt["system"]}
        assert isinstance(prompt["system"], str), "system is null: the chat template fails"
    assert "assistant" in turns, "no assistant turn"


axolotl = {}
for path in sorted(glob.glob(f"{out}/_report/axolotl/*.yaml")):
    fmt = os.path.basename(path)[:-len(".yaml")]
    text = Path(path).read_text()
    cfg = yaml.safe_load(text)
    result = {"problems": []}
    # schemas/validation.py check_val_w_test_datasets
    if cfg.get("test_datasets") and cfg.get("val_set_size", 0.0):
        result["problems"].append("non-zero val_set_size should not be used with test_datasets")
    warned_null_system = "reads the missing one as null" in text
    null_system = 0
    for key in ("datasets", "test_datasets"):
        records = 0
        for ds_cfg in cfg.get(key) or []:
            if ds_cfg["type"] == "chat_template" and not (
                    cfg.get("chat_template") or ds_cfg.get("chat_template")):
                result["problems"].append(f"{key}: no chat_template: a base model has none")
            try:
                ds = axolotl_load(ds_cfg)
            except ValueError as e:
                result["problems"].append(f"{key}: {e}")
                continue
            for i, prompt in enumerate(ds):
                try:
                    axolotl_record(cfg, ds_cfg, prompt)
                except (KeyError, AssertionError) as e:
                    if "system is null" in str(e):
                        null_system += 1
                    # The snippet's comments say so: a known limit, not a hidden failure.
                    if not (warned_null_system and "system is null" in str(e)):
                        result["problems"].append(f"{key} record {i}: {type(e).__name__}: {e}")
            records += ds.num_rows
        result[key] = records
    result["warned_null_system"] = warned_null_system
    result["null_system_records"] = null_system
    axolotl[fmt] = result

print(json.dumps({"datasets_version": datasets.__version__, "formats": formats,
                  "llama_factory": llama_factory, "axolotl": axolotl},
                 default=str, ensure_ascii=False))
