package dev.trainset.model;

import java.text.Normalizer;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An example's content as dedup and the leakage check compare it: its parts, each normalized
 * on its own and labelled, so that the exact dedup of FilterQuality and the split's leakage check
 * agree on what "the same content" means.
 */
public final class Content {
  private Content() {}

  /**
   * Content as dedup compares it: NFKC, lower case, each run of white space ({@code [ \t\n\x0B\f\r]},
   * as the regular expression {@code \s}) as one space, then {@link String#trim}.
   */
  public static String normalize(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return collapseWhitespace(folded).trim();
  }

  /**
   * Each run of white space as one space, in one pass over the characters; the text itself when
   * it has nothing to collapse (most text: single spaces between words). A regular expression
   * did this before and was most of the time exact dedup spent on a record.
   */
  static String collapseWhitespace(String text) {
    int length = text.length();
    int first = 0;
    while (first < length && !needsCollapse(text, first)) {
      first++;
    }
    if (first == length) {
      return text;
    }
    StringBuilder collapsed = new StringBuilder(length).append(text, 0, first);
    boolean inRun = false;
    for (int i = first; i < length; i++) {
      char c = text.charAt(i);
      if (isWhitespace(c)) {
        if (!inRun) {
          collapsed.append(' ');
          inRun = true;
        }
      } else {
        collapsed.append(c);
        inRun = false;
      }
    }
    return collapsed.toString();
  }

  /** Whether the character at {@code i} changes under the collapse. */
  private static boolean needsCollapse(String text, int i) {
    char c = text.charAt(i);
    return isWhitespace(c) && (c != ' ' || (i + 1 < text.length() && isWhitespace(text.charAt(i + 1))));
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /**
   * What two examples must share to be duplicates: each part normalized on its own and labelled
   * (system, instruction, input, output, each turn's role, text), so that text moving from one
   * part or turn to another makes a different example.
   */
  public static String key(Example example) {
    StringBuilder key = new StringBuilder();
    // Control characters that normalization neither folds nor drops keep the parts apart.
    parts(example, (label, text) -> key.append(label).append('\u0001').append(text).append('\u0002'));
    return key.toString();
  }

  /** Hands each present part of the example to {@code part} as (label, normalized text), in order. */
  public static void parts(Example example, BiConsumer<String, String> part) {
    part(part, "system", example.system());
    switch (example.style()) {
      case INSTRUCTION -> {
        part(part, "instruction", example.instruction());
        part(part, "input", example.input());
        part(part, "output", example.output());
      }
      case CHAT -> example.messages().forEach(turn -> part(part, turn.role(), turn.content()));
      case TEXT -> part(part, "text", example.text());
    }
  }

  private static void part(BiConsumer<String, String> part, String label, @Nullable String text) {
    if (text != null) {
      part.accept(label, normalize(text));
    }
  }
}
