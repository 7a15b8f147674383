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

  /** The instant {@code value} names, or empty when it is no timestamp trainset reads. */
  public static Optional<Instant> parse(JsonNode value) {
    if (value.isIntegralNumber()) {
      // asLong() would wrap a value beyond long around to an unrelated instant.
      return value.canConvertToLong() ? Optional.of(fromEpoch(value.asLong())) : Optional.empty();
    }
    if (value.isNumber()) {
      return Optional.of(fromEpoch((long) value.asDouble()));
    }
    return value.isTextual() ? parse(value.asText()) : Optional.empty();
  }

  /** The instant {@code text} names, or empty when it is no timestamp trainset reads. */
  public static Optional<Instant> parse(String text) {
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
