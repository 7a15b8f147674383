package dev.trainset.config;

import java.util.Locale;

/** {@code output.compression}: how the text formats' files are compressed. */
public enum FileCompression {
  NONE,
  GZIP,
  ZSTD;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
