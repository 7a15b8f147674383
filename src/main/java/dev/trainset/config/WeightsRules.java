package dev.trainset.config;

import static dev.trainset.config.Checks.oneOf;

import dev.trainset.model.Timestamps;

/** What the {@code weights} section allows: finite factors, ordered bounds, a known strategy. */
final class WeightsRules {
  private WeightsRules() {}

  static void check(PipelineSpec.Weights weights, Registries registries) {
    if (!(Double.isFinite(weights.defaultWeight()) && weights.defaultWeight() >= 0)) {
      throw ConfigException.notAllowed(
          "weights.default", weights.defaultWeight(), "a finite number >= 0");
    }
    check(weights.freshness());
    Double min = weights.min();
    Double max = weights.max();
    if (min != null && !(Double.isFinite(min) && min >= 0)) {
      throw ConfigException.notAllowed(
          "weights.min", min, "null (no bound) or a finite number >= 0");
    }
    if (max != null && !(Double.isFinite(max) && max >= (min == null ? 0 : min))) {
      throw ConfigException.notAllowed("weights.max", max, "null (no bound) or a finite number >= "
          + (min == null ? "0" : "weights.min (" + min + ")"));
    }
    oneOf("weights.normalize", weights.normalize(), Normalization.class);
    if (!weights.strategy().isEmpty() && !registries.isWeightStrategy(weights.strategy())) {
      throw ConfigException.notAllowed("weights.strategy", weights.strategy(),
          "\"\" (none), a registered strategy " + registries.weightStrategies() + ", or the name"
              + " of a class implementing " + registries.weightStrategyType() + " with a public"
              + " no-argument constructor");
    }
  }

  private static void check(PipelineSpec.Freshness freshness) {
    if (!(Double.isFinite(freshness.halfLifeDays()) && freshness.halfLifeDays() > 0)) {
      throw ConfigException.notAllowed(
          "weights.freshness.half_life_days", freshness.halfLifeDays(), "a number of days > 0");
    }
    if (!"now".equals(freshness.reference())
        && Timestamps.parse(freshness.reference()).isEmpty()) {
      throw ConfigException.notAllowed("weights.freshness.reference", freshness.reference(),
          "now, an ISO-8601 date (2025-01-31) or date-time (2025-01-31T00:00:00Z), or epoch"
              + " seconds");
    }
  }
}
