package dev.trainset.config;

import java.util.Locale;

/** {@code output.tokens.file_format}: how the tokens format writes its files. */
public enum TokensFile {
  JSONL,
  CSV;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
