package dev.trainset.config;

import java.util.Locale;

/** {@code input.format}: how input files are parsed; {@code auto} goes by each file's extension. */
public enum InputFormat {
  AUTO,
  JSONL,
  JSON,
  CSV;

  /** Appended to the allowed values, since Parquet is the one input users ask for in vain. */
  static final String NOT_AVAILABLE = " (parquet input is not available in this version)";

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
