package dev.trainset.config;

import java.util.Locale;

/** {@code output.parquet.compression}: the codec of the Parquet formats' column chunks. */
public enum ParquetCompression {
  SNAPPY,
  ZSTD,
  GZIP,
  NONE;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
