"""Reads a trainset output folder's csv and jsonl files with pandas (a reader trainset does not
control) and prints what it found as one JSON object: the columns and rows of combined.csv and
of the per-split files, and the JSON lines rows, each sorted by id.

usage: python3 read-with-pandas.py OUTPUT_DIR
"""
import glob
import json
import sys

import pandas as pd

out = sys.argv[1]


def csv_rows(paths):
    # Every cell as text, an empty cell as "": what the file says, not pandas' guesses.
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(paths)]
    columns = [list(f.columns) for f in frames]
    data = pd.concat(frames).sort_values("id")
    return columns, data.to_dict(orient="records")


combined_columns, combined = csv_rows([f"{out}/csv/combined.csv"])
split_columns, split_rows = csv_rows(glob.glob(f"{out}/csv/**/*-of-*.csv", recursive=True))
jsonl = pd.concat(
    pd.read_json(p, lines=True, dtype=False)
    for p in sorted(glob.glob(f"{out}/jsonl/**/*.jsonl", recursive=True)))
print(json.dumps({
    "combined_columns": combined_columns[0],
    "combined": combined,
    "split_file_columns": sorted(set(tuple(c) for c in split_columns)),
    "split_rows": split_rows,
    "jsonl": jsonl.sort_values("id")[["id", "split", "instruction", "output"]]
        .to_dict(orient="records"),
}))
