package dev.trainset.config;

import static dev.trainset.config.Checks.atLeast;
import static dev.trainset.config.Checks.finite;
import static dev.trainset.config.Checks.fraction;
import static dev.trainset.config.Checks.oneOf;
import static dev.trainset.config.Checks.safeName;

import dev.trainset.model.Tokenizer;
import java.util.Map;

/** What the {@code quality} section and its {@code signals} allow beyond their keys' types. */
final class QualityRules {
  private QualityRules() {}

  static void check(PipelineSpec.Quality quality) {
    atLeast("quality.min_chars", quality.minChars(), 0);
    atLeast("quality.max_chars", quality.maxChars(), Math.max(1, quality.minChars()));
    atLeast("quality.max_tokens", quality.maxTokens(), 0);
    oneOf("quality.tokenizer", quality.tokenizer(), Tokenizer.class);
    finite("quality.min_score", quality.minScore());
    check(quality.signals());
    tiers(quality);
    oneOf("quality.dedup", quality.dedup(), Dedup.class);
    if (!(quality.nearThreshold() > 0 && quality.nearThreshold() <= 1)) {
      throw ConfigException.notAllowed(
          "quality.near_threshold", quality.nearThreshold(), "a number in (0, 1]");
    }
    if (!Durations.valid(quality.dedupTtl())) {
      throw ConfigException.notAllowed("quality.dedup_ttl", quality.dedupTtl(), Durations.ALLOWED);
    }
  }

  static void check(PipelineSpec.Signals signals) {
    atLeast("quality.signals.min_words", signals.minWords(), 0);
    atLeast("quality.signals.max_words", signals.maxWords(), Math.max(1, signals.minWords()));
    if (!(signals.minMeanWordLength() >= 0
        && signals.maxMeanWordLength() >= signals.minMeanWordLength()
        && Double.isFinite(signals.maxMeanWordLength()))) {
      throw ConfigException.notAllowed("quality.signals.max_mean_word_length",
          signals.maxMeanWordLength(), "a finite number >= min_mean_word_length ("
              + signals.minMeanWordLength() + ")");
    }
    fraction("quality.signals.max_symbol_ratio", signals.maxSymbolRatio());
    fraction("quality.signals.max_ellipsis_lines", signals.maxEllipsisLines());
    fraction("quality.signals.max_duplicate_lines", signals.maxDuplicateLines());
    fraction("quality.signals.max_top_bigram_fraction", signals.maxTopBigramFraction());
    fraction("quality.signals.min_alpha_words", signals.minAlphaWords());
  }

  private static void tiers(PipelineSpec.Quality quality) {
    for (Map.Entry<String, Double> tier : quality.tiers().entrySet()) {
      safeName("quality.tiers", tier.getKey());
      if (tier.getKey().equals("untiered")) {
        throw ConfigException.notAllowed("quality.tiers", tier.getKey(),
            "any other name: 'untiered' is the tier of scores below every threshold");
      }
      if (tier.getValue() == null || !Double.isFinite(tier.getValue())) {
        throw ConfigException.notAllowed(
            "quality.tiers." + tier.getKey(), tier.getValue(), "a finite score threshold");
      }
    }
    if (!quality.tiers().isEmpty() && quality.scoreField().isEmpty() && !quality.heuristics()) {
      throw new ConfigException("quality.tiers", "tiers are cut from a score: set"
          + " quality.score_field to the record's score field, or quality.heuristics: true");
    }
  }
}
