package dev.trainset.config;

import java.util.Locale;

/** {@code quality.dedup}: which duplicates FilterQuality refuses. */
public enum Dedup {
  /** keeps every copy. */
  NONE,
  /** refuses examples whose normalized content another example already has. */
  EXACT,
  /** refuses exact copies, then examples as similar as {@code quality.near_threshold}. */
  NEAR;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
