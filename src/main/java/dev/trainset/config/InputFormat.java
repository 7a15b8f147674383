package dev.trainset.config;

import java.util.Locale;

/**
 * {@code input.format}: how input files are parsed; {@code auto} goes by each file's extension.
 * {@code huggingface} reads dataset folders ({@code <folder>/data/<split>-*.parquet}) and keeps
 * each record's split in a field.
 */
public enum InputFormat {
  AUTO,
  JSONL,
  JSON,
  CSV,
  PARQUET,
  HUGGINGFACE;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
