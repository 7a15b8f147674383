package dev.trainset.model;

import java.text.Normalizer;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An example's content as dedup and the leakage check compare it: its parts, each normalized
 * on its own and labelled, so that the exact dedup of FilterQuality and the split's leakage check
 * agree on what "the same content" means.
 */
public final class Content {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private Content() {}

  /** Content as dedup compares it: NFKC, lower case, runs of white space as one space. */
  public static String normalize(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return WHITESPACE.matcher(folded).replaceAll(" ").trim();
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
