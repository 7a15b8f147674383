package dev.trainset.quality;

import static dev.trainset.testing.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainset.model.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each heuristic signal on a text made to cross exactly that bound, with the default bounds. */
class QualitySignalsTest {
  private final QualitySignals signals =
      new QualitySignals(spec("quality: {heuristics: true}").quality().signals());

  private QualitySignals.Verdict judge(String text) {
    return signals.judge(QualitySignals.measure(text, text));
  }

  /** A refusal for the reason labelled {@code reason} in output, e.g. {@code too_few_words}. */
  private static QualitySignals.Verdict refused(String reason, String detail) {
    Reason labelled = Arrays.stream(Reason.values())
        .filter(candidate -> candidate.label().equals(reason))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no reason labelled " + reason));
    return new QualitySignals.Verdict(labelled, detail, 0);
  }

  @Test
  void tooFewAndTooManyWords() {
    assertEquals(refused("too_few_words", "1 words < min_words 3"), judge("Hi"));
    assertEquals(refused("too_many_words", "20001 words > max_words 20000"),
        judge("word ".repeat(20_001)));
  }

  @Test
  void meanWordLengthOnBothSides() {
    assertEquals(refused("mean_word_length", "mean word length 1.0 outside [2.0, 12.0]"),
        judge("a b c d e f"));
    assertEquals(refused("mean_word_length", "mean word length 38.0 outside [2.0, 12.0]"),
        judge("Supercalifragilisticexpialidocious" + "x".repeat(4) + " "
            + "antidisestablishmentarianism" + "y".repeat(10) + " " + "z".repeat(38)));
  }

  @Test
  void hashtagsAndEllipsesPerWord() {
    // Four '#' over seven words.
    assertEquals(refused("symbol_ratio", "symbol ratio 0.5714 > max_symbol_ratio 0.25"),
        judge("#ai #ml #data #tech rocks here now"));
  }

  @Test
  void linesEndingInAnEllipsis() {
    // Two of three lines; two ellipses over 24 words stay under the symbol bound.
    assertEquals(refused("ellipsis_lines", "ellipsis lines 0.6667 > max_ellipsis_lines 0.3"),
        judge("We waited for the bus in the rain...\n"
            + "Then the driver said the road was closed...\n"
            + "So we walked home together in silence today."));
  }

  @Test
  void linesRepeatingAnEarlierLine() {
    assertEquals(refused("duplicate_lines", "duplicate lines 0.5 > max_duplicate_lines 0.3"),
        judge("Buy now\nBuy now\nBuy now\nLimited offer"));
  }

  @Test
  void oneWordPairTakingMostOfTheText() {
    // "the cat" thirty times: 180 of the 186 word characters.
    assertEquals(refused("repeated_ngrams",
            "top word pair fraction 0.9677 > max_top_bigram_fraction 0.3"),
        judge("the cat ".repeat(30) + "ran off"));
    // Under 50 words a pair may repeat: "the cat" ten times in 22 words is not judged.
    assertEquals(true, judge("the cat ".repeat(10) + "ran off").passed());
  }

  @Test
  void wordsWithoutLetters() {
    assertEquals(refused("alpha_ratio", "words with a letter 0.1429 < min_alpha_words 0.3"),
        judge("100 200 300 400 500 600 apples"));
  }

  @Test
  void aCleanTextScoresItsMeanHeadroom() {
    // Mean word length 26/6 is 2.667 from the middle (7) of [2, 12]: headroom 1 - 2.667/5;
    // the five other signals are at zero (or all letters): headroom 1 each. (0.4667 + 5) / 6.
    assertEquals(new QualitySignals.Verdict(null, "", 0.9111),
        judge("The capital of France is Paris."));
  }

  @Test
  void repetitionIsJudgedOnTheOutputOnly() {
    // A fix repeats the code of its question: the full text repeats lines, the output does not.
    String question = "Fix this loop\nfor i in range(10): print(i)\nfor i in range(10): print(i)";
    String answer = "for i in range(10):\n    print(i)";
    assertEquals(true, signals.judge(QualitySignals.measure(question + "\n" + answer, answer))
        .passed());
    assertEquals(refused("duplicate_lines", "duplicate lines 0.5 > max_duplicate_lines 0.3"),
        signals.judge(QualitySignals.measure(answer + "\nsay it again\nsay it again",
            "say it again\nsay it again")));
  }

  @Test
  void boundsComeFromThePipelineFile() {
    QualitySignals strict = new QualitySignals(
        spec("quality: {heuristics: true, signals: {min_words: 10}}").quality().signals());
    assertEquals(refused("too_few_words", "6 words < min_words 10"),
        strict.judge(QualitySignals.measure("The capital of France is Paris.", "Paris.")));
  }
}
