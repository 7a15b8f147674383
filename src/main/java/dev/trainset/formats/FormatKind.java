package dev.trainset.formats;

/**
 * How a format's files hold examples, which decides how a run writes them: the three kinds whose
 * examples are encoded one by one through {@link OutputFormat} share one write, the Parquet kinds
 * have theirs, and indexed tokens theirs (an index is a place in the split, not a property of one
 * example).
 */
public enum FormatKind {
  /** One JSON object per line ({@code .jsonl}): jsonl, chatml, openai, anthropic. */
  JSON_LINES,
  /** One JSON array per file ({@code .json}), read whole: alpaca, sharegpt. */
  JSON_ARRAY,
  /** Text in a layout of the format's own: text's sections, csv's rows. */
  TEXT,
  /** Parquet files of typed columns ({@link ExampleRecords}): parquet. */
  PARQUET,
  /** JSON lines of token ids numbered by their place in the split: tokens. */
  INDEXED_TOKENS,
  /**
   * A folder the Hugging Face Hub loads as one dataset: Parquet data files under {@code data/},
   * unpartitioned, beside a dataset card: huggingface.
   */
  FOLDER;

  /** Whether each example is encoded on its own by an {@link OutputFormat} and written as text. */
  public boolean encodesEachExample() {
    return this == JSON_LINES || this == JSON_ARRAY || this == TEXT;
  }

  /** Whether the files are Parquet, rows of {@link ExampleRecords}. */
  public boolean parquet() {
    return this == PARQUET || this == FOLDER;
  }
}
