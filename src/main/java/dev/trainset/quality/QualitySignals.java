package dev.trainset.quality;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Reason;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Heuristic quality signals of a text, in the spirit of the Gopher and C4 rules, and the verdict
 * of {@code quality.signals} on them. Each signal has its own rejection reason:
 *
 * <ul>
 *   <li>{@code too_few_words} / {@code too_many_words}: white-space separated words;
 *   <li>{@code mean_word_length}: mean characters per word outside its bounds (gibberish, or
 *       runs of glued tokens);
 *   <li>{@code symbol_ratio}: {@code #} characters and ellipses per word (hashtag and
 *       truncation spam);
 *   <li>{@code ellipsis_lines}: the share of the output's non-blank lines ending in an ellipsis;
 *   <li>{@code duplicate_lines}: the share of the output's lines of two words or more that repeat
 *       an earlier one;
 *   <li>{@code repeated_ngrams}: the share of the output's word characters taken by its most
 *       frequent word pair, judged from {@link #REPETITION_MIN_WORDS} words on, where one pair can mean
 *       something;
 *   <li>{@code alpha_ratio}: the share of words with at least one letter.
 * </ul>
 *
 * <p>The combined score, recorded as {@code metadata.quality_score}, is the mean headroom of the
 * six ratio signals: 1 - value/bound for an upper bound, (value - bound)/(1 - bound) for the
 * letter share, and the distance of the mean word length from the nearer bound over half the
 * range. A text on every bound scores 0, a text far from all of them 1.
 */
final class QualitySignals implements Serializable {
  /**
   * Word pairs repeat by chance in short texts (a 25-word function names its own recursion):
   * the repetition signal starts here, as Gopher's rules assume documents of 50 words or more.
   */
  static final int REPETITION_MIN_WORDS = 50;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** The signals of one text. */
  record Measured(
      int words,
      double meanWordLength,
      double symbolRatio,
      double ellipsisLines,
      double duplicateLines,
      double topBigramFraction,
      double alphaWords) {}

  /** The verdict: the first signal out of bounds (reason and detail), or the combined score. */
  record Verdict(@Nullable Reason reason, String detail, double score) {
    boolean passed() {
      return reason == null;
    }
  }

  private final PipelineSpec.Signals bounds;

  QualitySignals(PipelineSpec.Signals bounds) {
    this.bounds = bounds;
  }

  /** Signals of the whole example, except the ones about repetition: those of its output. */
  static Measured measure(Example example) {
    return measure(example.fullText(), example.outputText());
  }

  /**
   * Words, word length, symbols and letters are measured on {@code text}; ellipses, repeated
   * lines and repeated word pairs on {@code output}, the part a model learns to write (an answer
   * that fixes the code of its question repeats that code for good reason).
   */
  static Measured measure(String text, String output) {
    String[] tokens = WHITESPACE.split(text.strip());
    int words = 0;
    long wordChars = 0;
    int withLetter = 0;
    for (String token : tokens) {
      if (!token.isEmpty()) {
        words++;
        wordChars += token.length();
        if (token.codePoints().anyMatch(Character::isLetter)) {
          withLetter++;
        }
      }
    }
    int symbols = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '#' || c == '\u2026') {
        symbols++;
      } else if (c == '.' && text.startsWith("...", i)) {
        symbols++;
        i += 2;
      }
    }
    int lines = 0;
    int ellipsisLines = 0;
    int wordyLines = 0;
    int duplicateLines = 0;
    Set<String> seen = new HashSet<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      lines++;
      if (trimmed.endsWith("...") || trimmed.endsWith("\u2026")) {
        ellipsisLines++;
      }
      // Only lines of two words or more: code repeats "}" and "break;" for good reasons.
      if (WHITESPACE.split(trimmed).length >= 2) {
        wordyLines++;
        if (!seen.add(trimmed)) {
          duplicateLines++;
        }
      }
    }
    return new Measured(
        words,
        words == 0 ? 0 : (double) wordChars / words,
        words == 0 ? 0 : (double) symbols / words,
        lines == 0 ? 0 : (double) ellipsisLines / lines,
        wordyLines == 0 ? 0 : (double) duplicateLines / wordyLines,
        topBigramFraction(WHITESPACE.split(output.strip())),
        words == 0 ? 0 : (double) withLetter / words);
  }

  private static double topBigramFraction(String[] words) {
    if (words.length < REPETITION_MIN_WORDS) {
      return 0;
    }
    long wordChars = 0;
    for (String word : words) {
      wordChars += word.length();
    }
    Map<String, Integer> counts = new HashMap<>();
    int top = 0;
    String topPair = "";
    for (int i = 0; i + 1 < words.length; i++) {
      String pair = words[i].toLowerCase(Locale.ROOT) + " " + words[i + 1].toLowerCase(Locale.ROOT);
      int count = counts.merge(pair, 1, Integer::sum);
      if (count > top) {
        top = count;
        topPair = pair;
      }
    }
    return (double) top * (topPair.length() - 1) / wordChars;
  }

  Verdict judge(Measured m) {
    if (m.words() < bounds.minWords()) {
      return fail(Reason.TOO_FEW_WORDS, m.words() + " words < min_words " + bounds.minWords());
    }
    if (m.words() > bounds.maxWords()) {
      return fail(Reason.TOO_MANY_WORDS, m.words() + " words > max_words " + bounds.maxWords());
    }
    if (m.meanWordLength() < bounds.minMeanWordLength()
        || m.meanWordLength() > bounds.maxMeanWordLength()) {
      return fail(Reason.MEAN_WORD_LENGTH, "mean word length " + round(m.meanWordLength())
          + " outside [" + bounds.minMeanWordLength() + ", " + bounds.maxMeanWordLength() + "]");
    }
    if (m.symbolRatio() > bounds.maxSymbolRatio()) {
      return fail(Reason.SYMBOL_RATIO, "symbol ratio " + round(m.symbolRatio())
          + " > max_symbol_ratio " + bounds.maxSymbolRatio());
    }
    if (m.ellipsisLines() > bounds.maxEllipsisLines()) {
      return fail(Reason.ELLIPSIS_LINES, "ellipsis lines " + round(m.ellipsisLines())
          + " > max_ellipsis_lines " + bounds.maxEllipsisLines());
    }
    if (m.duplicateLines() > bounds.maxDuplicateLines()) {
      return fail(Reason.DUPLICATE_LINES, "duplicate lines " + round(m.duplicateLines())
          + " > max_duplicate_lines " + bounds.maxDuplicateLines());
    }
    if (m.topBigramFraction() > bounds.maxTopBigramFraction()) {
      return fail(Reason.REPEATED_NGRAMS, "top word pair fraction " + round(m.topBigramFraction())
          + " > max_top_bigram_fraction " + bounds.maxTopBigramFraction());
    }
    if (m.alphaWords() < bounds.minAlphaWords()) {
      return fail(Reason.ALPHA_RATIO, "words with a letter " + round(m.alphaWords())
          + " < min_alpha_words " + bounds.minAlphaWords());
    }
    return new Verdict(null, "", round(score(m)));
  }

  private double score(Measured m) {
    double mid = (bounds.minMeanWordLength() + bounds.maxMeanWordLength()) / 2;
    double half = (bounds.maxMeanWordLength() - bounds.minMeanWordLength()) / 2;
    double[] headroom = {
      half == 0 ? 1 : 1 - Math.abs(m.meanWordLength() - mid) / half,
      below(m.symbolRatio(), bounds.maxSymbolRatio()),
      below(m.ellipsisLines(), bounds.maxEllipsisLines()),
      below(m.duplicateLines(), bounds.maxDuplicateLines()),
      below(m.topBigramFraction(), bounds.maxTopBigramFraction()),
      bounds.minAlphaWords() >= 1 ? 1 : (m.alphaWords() - bounds.minAlphaWords())
          / (1 - bounds.minAlphaWords()),
    };
    double sum = 0;
    for (double h : headroom) {
      sum += Math.max(0, Math.min(1, h));
    }
    return sum / headroom.length;
  }

  /** Headroom under an upper bound: 1 at zero, 0 at the bound (and a zero bound allows only 0). */
  private static double below(double value, double bound) {
    return bound == 0 ? (value == 0 ? 1 : 0) : 1 - value / bound;
  }

  private static Verdict fail(Reason reason, String detail) {
    return new Verdict(reason, detail, 0);
  }

  /** Four decimals: enough to tell texts apart, short in reports and metadata. */
  static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
