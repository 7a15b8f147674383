package dev.trainset.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTest {
  /** The definition normalize keeps: what exact dedup compared before it was made one pass. */
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private static String byDefinition(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return WHITESPACE.matcher(folded).replaceAll(" ").trim();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "Hello World|hello world",
      "\"  Hello \t\n  World  \"|hello world",
      "\"a\u000Bb\fc\rd\"|a b c d",
      // NFKC folds the no-break and ideographic spaces to a space, the ligature to two letters.
      "\"\u00A0\uFB01ne\u3000day\u00A0\"|fine day",
      // trim drops control characters at the ends; inside they stay.
      "\"\u0001a\u0002b\u001F\"|a\u0002b",
      "\"\t\"|\"\"",
  })
  void foldsCaseWidthAndWhitespace(String text, String expected) {
    assertEquals(expected, Content.normalize(text));
  }

  @Test
  void textWithNothingToCollapseIsReturnedAsItIs() {
    String text = "one space between words";
    assertSame(text, Content.collapseWhitespace(text));
  }

  @Test
  void agreesWithTheRegularExpressionOnRandomText() {
    // White space of both kinds, controls, letters with case and width forms, combining marks and
    // a supplementary character.
    String[] pieces = {" ", "  ", "\t", "\n", "\r\n", "\u000B", "\f", "\u00A0", "\u2003", "\u3000",
        "\u0001", "\u001F", "a", "B", "\u00C9", "e\u0301", "\uFB01", "\uFF21", "\u0130", "\u03A3",
        "\uD83D\uDE00", "x y", "-", "\u200B"};
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      assertEquals(byDefinition(text.toString()), Content.normalize(text.toString()),
          () -> "text: " + text.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList());
    }
  }
}
