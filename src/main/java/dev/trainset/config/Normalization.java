package dev.trainset.config;

import java.util.Locale;

/** {@code weights.normalize}: whether the exported weights are rescaled after clipping. */
public enum Normalization {
  /** weights as computed and clipped. */
  NONE,
  /** every weight divided by the mean exported weight, so that they average 1.0. */
  MEAN;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
