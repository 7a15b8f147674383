package dev.trainset.config;

import java.time.Duration;
import java.util.regex.Pattern;

/** Durations in the pipeline file: a whole number and a unit, {@code 30s}, {@code 5m}, {@code 7d}. */
public final class Durations {
  /** What a duration may be, for messages. */
  static final String ALLOWED = "a duration: a whole number > 0 and s, m, h or d (30s, 5m, 1h, 7d)";

  private static final Pattern DURATION = Pattern.compile("[1-9][0-9]{0,8}[smhd]");

  private Durations() {}

  static boolean valid(String text) {
    return text != null && DURATION.matcher(text).matches();
  }

  /** {@code text} as a duration; it must be {@link #valid}. */
  public static Duration parse(String text) {
    if (!valid(text)) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (" + ALLOWED + ")");
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
