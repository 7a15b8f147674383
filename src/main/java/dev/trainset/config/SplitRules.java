package dev.trainset.config;

import static dev.trainset.config.Checks.safeName;

import java.util.Map;

/** What the {@code split} section allows: named ratios between 0 and 1 that sum to 1. */
final class SplitRules {
  /** Ratios such as 0.7 + 0.2 + 0.1 miss 1 by a rounding error, not by a mistake. */
  private static final double RATIO_TOLERANCE = 1e-6;

  private SplitRules() {}

  static void check(PipelineSpec.Split split) {
    if (split.ratios().isEmpty()) {
      throw ConfigException.notAllowed("split.ratios", "{}", "named ratios, e.g. {train: 0.9, test: 0.1}");
    }
    double sum = 0;
    for (Map.Entry<String, Double> ratio : split.ratios().entrySet()) {
      safeName("split.ratios", ratio.getKey());
      Double value = ratio.getValue();
      if (value == null || !(value >= 0 && value <= 1)) {
        throw ConfigException.notAllowed(
            "split.ratios." + ratio.getKey(), value, "a number between 0 and 1");
      }
      sum += value;
    }
    if (Math.abs(sum - 1.0) > RATIO_TOLERANCE) {
      throw new ConfigException("split.ratios", "value " + split.ratios() + " sums to "
          + (float) sum + "; allowed: ratios that sum to 1");
    }
  }
}
