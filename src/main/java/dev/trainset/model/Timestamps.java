package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the timestamps freshness weighting accepts: ISO-8601 dates ({@code 2024-05-01}),
 * date-times with a zone ({@code 2024-05-01T10:00:00Z}, {@code +02:00}) or without one (read as
 * UTC), and epoch seconds or milliseconds as numbers or numeric strings.
 */
public final class Timestamps {
  /** Epoch values at or above this are milliseconds: 1e11 seconds is the year 5138. */
  private static final long MILLIS_THRESHOLD = 100_000_000_000L;

  private Timestamps() {}

  /** The earliest and latest instants weights can be computed from (epoch milliseconds). */
  private static final Instant FIRST = Instant.ofEpochMilli(Long.MIN_VALUE);
  private static final Instant LAST = Instant.ofEpochMilli(Long.MAX_VALUE);

  /**
   * The instant {@code value} names, or empty when it is no timestamp trainset reads (or one
   * beyond what epoch milliseconds hold, some 292 million years either way).
   */
  public static Optional<Instant> parse(JsonNode value) {
    return read(value).filter(Timestamps::inRange);
  }

  /** The instant {@code text} names, or empty, as {@link #parse(JsonNode)}. */
  public static Optional<Instant> parse(String text) {
    return read(text).filter(Timestamps::inRange);
  }

  private static boolean inRange(Instant instant) {
    return !instant.isBefore(FIRST) && !instant.isAfter(LAST);
  }

  private static Optional<Instant> read(JsonNode value) {
    if (value.isIntegralNumber()) {
      // asLong() would wrap a value beyond long around to an unrelated instant.
      return value.canConvertToLong() ? Optional.of(fromEpoch(value.asLong())) : Optional.empty();
    }
    if (value.isNumber()) {
      return Optional.of(fromEpoch((long) value.asDouble()));
    }
    return value.isTextual() ? read(value.asText()) : Optional.empty();
  }

  private static Optional<Instant> read(String text) {
    String trimmed = text.trim();
    if (trimmed.matches("-?\\d{1,19}")) {
      try {
        return Optional.of(fromEpoch(Long.parseLong(trimmed)));
      } catch (NumberFormatException beyondLong) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(OffsetDateTime.parse(trimmed).toInstant());
    } catch (DateTimeParseException notWithZone) {
      // fall through to the zone-less forms
    }
    try {
      return Optional.of(LocalDateTime.parse(trimmed).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notLocalDateTime) {
      // fall through
    }
    try {
      return Optional.of(LocalDate.parse(trimmed).atStartOfDay().toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notDate) {
      return Optional.empty();
    }
  }

  private static Instant fromEpoch(long value) {
    // Not Math.abs: it stays negative for Long.MIN_VALUE.
    return value >= MILLIS_THRESHOLD || value <= -MILLIS_THRESHOLD
        ? Instant.ofEpochMilli(value)
        : Instant.ofEpochSecond(value);
  }
}
