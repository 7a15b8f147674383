package dev.trainset.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.testing.Fixtures;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  /** 2024-05-01T10:00:00Z; 1714557600 seconds after the epoch. */
  private static final Instant TEN_AM = Instant.parse("2024-05-01T10:00:00Z");

  private static Optional<Instant> at(String instant) {
    return Optional.of(Instant.parse(instant));
  }

  /** A JSON value as a record would hold it, parsed from JSON text. */
  private static JsonNode json(String text) {
    return Fixtures.object("{\"v\": " + text + "}").get("v");
  }

  @Test
  void readsAnIsoDateAsMidnightUtc() {
    assertEquals(at("2024-05-01T00:00:00Z"), Timestamps.parse("2024-05-01"));
  }

  @Test
  void readsADateTimeWithZ() {
    assertEquals(Optional.of(TEN_AM), Timestamps.parse("2024-05-01T10:00:00Z"));
    assertEquals(at("2024-05-01T10:00:00.250Z"), Timestamps.parse("2024-05-01T10:00:00.250Z"));
  }

  @Test
  void readsADateTimeWithAnOffset() {
    assertEquals(at("2024-05-01T08:00:00Z"), Timestamps.parse("2024-05-01T10:00:00+02:00"));
    assertEquals(at("2024-05-01T15:30:00Z"), Timestamps.parse("2024-05-01T10:00:00-05:30"));
  }

  @Test
  void readsALocalDateTimeAsUtc() {
    assertEquals(Optional.of(TEN_AM), Timestamps.parse("2024-05-01T10:00:00"));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse("2024-05-01T10:00"));
  }

  @Test
  void readsEpochSecondsAndMillisAsNumbers() {
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(json("1714557600")));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(json("1714557600000")));
    assertEquals(at("2024-05-01T10:00:00.123Z"), Timestamps.parse(json("1714557600123")));
    // A fractional number of seconds is cut to the whole second.
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(json("1714557600.9")));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(LongNode.valueOf(1714557600000L)));
    assertEquals(at("1969-12-31T00:00:00Z"), Timestamps.parse(json("-86400")));
  }

  @Test
  void readsEpochSecondsAndMillisAsNumericStrings() {
    assertEquals(Optional.of(TEN_AM), Timestamps.parse("1714557600"));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(" 1714557600000 "));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(TextNode.valueOf("1714557600")));
    assertEquals(Optional.of(TEN_AM), Timestamps.parse(json("\"1714557600000\"")));
  }

  @Test
  void readsMillisFromTenToTheElevenOn() {
    // 99999999999 seconds is 5138-11-16T09:46:39Z; one more is read as 1e11 milliseconds.
    assertEquals(at("5138-11-16T09:46:39Z"), Timestamps.parse("99999999999"));
    assertEquals(at("1973-03-03T09:46:40Z"), Timestamps.parse("100000000000"));
    assertEquals(at("1966-10-31T14:13:20Z"), Timestamps.parse("-100000000000"));
  }

  @Test
  void findsNoTimestampInOtherText() {
    assertEquals(Optional.empty(), Timestamps.parse("yesterday"));
    assertEquals(Optional.empty(), Timestamps.parse(""));
    assertEquals(Optional.empty(), Timestamps.parse("2024-13-01"));
    assertEquals(Optional.empty(), Timestamps.parse("2024-05-01T25:00:00Z"));
    assertEquals(Optional.empty(), Timestamps.parse("1714557600s"));
    assertEquals(Optional.empty(), Timestamps.parse(TextNode.valueOf("soon")));
  }

  @Test
  void findsNoTimestampInOtherKindsOfValue() {
    assertEquals(Optional.empty(), Timestamps.parse(BooleanNode.TRUE));
    assertEquals(Optional.empty(), Timestamps.parse(NullNode.getInstance()));
    assertEquals(Optional.empty(), Timestamps.parse(json("{\"at\": 1714557600}")));
    assertEquals(Optional.empty(), Timestamps.parse(json("[1714557600]")));
  }

  @Test
  void findsNoTimestampInNumbersBeyondLongInsteadOfFailing() {
    assertEquals(Optional.empty(), Timestamps.parse("9999999999999999999"));
    assertEquals(Optional.empty(), Timestamps.parse(json("99999999999999999999")));
    assertEquals(
        Optional.of(Instant.ofEpochMilli(Long.MIN_VALUE)),
        Timestamps.parse(String.valueOf(Long.MIN_VALUE)));
    assertEquals(
        Optional.of(Instant.ofEpochMilli(Long.MAX_VALUE)), Timestamps.parse(json("1e300")));
  }

  @Test
  void instantsBeyondEpochMillisecondsAreNoTimestamp() {
    assertEquals(Optional.empty(), Timestamps.parse("+300000000-01-01"));
    assertEquals(Optional.empty(), Timestamps.parse(TextNode.valueOf("-300000000-01-01T00:00:00Z")));
    assertEquals(Optional.of(Instant.ofEpochMilli(Long.MAX_VALUE)),
        Timestamps.parse(LongNode.valueOf(Long.MAX_VALUE)));
  }
}
