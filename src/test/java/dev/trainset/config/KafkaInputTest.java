package dev.trainset.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.Plugins;
import dev.trainset.config.SpecLoader.Overrides;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code input.kafka}: a bounded slice ({@code max_records > 0}) is accepted with its defaults,
 * everything else is refused with a message naming the key, the value and what is allowed, and
 * no message or string form ever shows a consumer property's value.
 */
class KafkaInputTest {
  private static final String SECRET = "s3cr3t-do-not-print";

  private static PipelineSpec load(String yaml, String... set) {
    return SpecLoader.load(
        yaml, new Overrides(List.of(), null, List.of(), List.of(set)), Plugins.INSTANCE);
  }

  private static Executable refused(String key, String message, String yaml, String... set) {
    return () -> {
      ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, set), key);
      assertEquals(message, e.getMessage());
      assertEquals(key, e.key());
    };
  }

  @Test
  void aBoundedSliceTakesTheDefaultsOfTheOtherKeys() {
    PipelineSpec.Kafka kafka = load("input: {kafka: {max_records: 10}}").input().kafka();
    assertEquals(new PipelineSpec.Kafka("localhost:9092", List.of("documents"), "trainset",
        KafkaStart.EARLIEST, 10, "5m", Map.of(), ""), kafka);
    assertEquals(List.of(), load("input: {kafka: {max_records: 10}}").input().paths());
  }

  @Test
  void readsEveryKey() {
    PipelineSpec.Kafka kafka = load("input:\n  kafka:\n    bootstrap_servers: a:1,b:2\n"
        + "    topics: [t1, t.2]\n    group_id: g\n    start: committed\n    max_records: 3\n"
        + "    window: 1h\n    properties: {security.protocol: SASL_SSL, sasl.mechanism: PLAIN}\n"
        + "    dead_letter_topic: rejected-docs\n")
        .input().kafka();
    assertEquals(new PipelineSpec.Kafka("a:1,b:2", List.of("t1", "t.2"), "g",
        KafkaStart.COMMITTED, 3, "1h",
        Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"), "rejected-docs"),
        kafka);
  }

  @Test
  void streamingReadsWithoutEndPerWindow() {
    PipelineSpec spec = load("input: {kafka: {topics: [documents], window: 30s}}");
    assertEquals(true, spec.streaming());
    assertEquals(java.time.Duration.ofSeconds(30), spec.input().kafka().windowDuration());
    assertEquals(java.time.Duration.ofDays(7), spec.quality().dedupTtlDuration());
    assertEquals(false, load("input: {kafka: {max_records: 10}}").streaming());
  }

  @Test
  void streamingRefusesWhatNeedsTheWholeInput() {
    assertAll(
        refused("input.kafka.max_records",
            "input.kafka.max_records: value '-1' is not allowed; allowed: a whole number >= 0"
                + " (0: read without end, one export per window; > 0: a bounded slice, a batch"
                + " run)",
            "input: {kafka: {max_records: -1}}"),
        refused("output.formats",
            "output.formats: value 'tokens' is not allowed; allowed: with unbounded input"
                + " (input.kafka.max_records: 0), every format but tokens, which numbers a"
                + " whole split; set input.kafka.max_records to read a bounded slice",
            "input: {kafka: {topics: [documents]}}", "output.formats=[jsonl, tokens]"),
        refused("output.on_complete",
            "output.on_complete: value '[echo]' is not allowed; allowed: [] with unbounded"
                + " input (input.kafka.max_records: 0): on_complete needs an attached batch run;"
                + " a streaming run commits each window with its own _SUCCESS",
            "input: {kafka: {topics: [documents]}}", "output.on_complete=[echo]"),
        refused("quality.dedup_ttl",
            "quality.dedup_ttl: value '7 days' is not allowed; allowed: a duration: a whole"
                + " number > 0 and s, m, h or d (30s, 5m, 1h, 7d)",
            "input: {kafka: {topics: [documents]}}", "quality.dedup_ttl=7 days"));
  }

  @Test
  void pathsAndKafkaTogetherAreRefused() {
    assertAll(
        refused("input",
            "input: input.paths and input.kafka are both given; read either files (input.paths)"
                + " or a Kafka topic (input.kafka), not both",
            "input: {paths: [a.jsonl], kafka: {max_records: 5}}"),
        refused("input",
            "input: input.paths and input.kafka are both given; read either files (input.paths)"
                + " or a Kafka topic (input.kafka), not both",
            "input: {kafka: {max_records: 5}}", "input.paths=[b.jsonl]"));
  }

  @Test
  void refusesEachKeyOutsideWhatItAllows() {
    String slice = "input: {kafka: {max_records: 5, %s}}";
    assertAll(
        refused("input.kafka.bootstrap_servers",
            "input.kafka.bootstrap_servers: value 'localhost' is not allowed; allowed: host:port,"
                + " or several separated by commas",
            slice.formatted("bootstrap_servers: localhost")),
        refused("input.kafka.bootstrap_servers",
            "input.kafka.bootstrap_servers: value 'a:1,' is not allowed; allowed: host:port,"
                + " or several separated by commas",
            slice.formatted("bootstrap_servers: 'a:1,'")),
        refused("input.kafka.topics",
            "input.kafka.topics: no topic given; list at least one topic",
            slice.formatted("topics: []")),
        refused("input.kafka.topics[1]",
            "input.kafka.topics[1]: value 'a b' is not allowed; allowed: a topic name of letters,"
                + " digits, '.', '_' and '-'",
            slice.formatted("topics: [ok, a b]")),
        refused("input.kafka.group_id",
            "input.kafka.group_id: value ' ' is not allowed; allowed: a non-empty consumer group"
                + " id (offsets are committed for it)",
            slice.formatted("group_id: ' '")),
        refused("input.kafka.window",
            "input.kafka.window: value '5 minutes' is not allowed; allowed: a duration: a whole"
                + " number > 0 and s, m, h or d (30s, 5m, 1h, 7d)",
            slice.formatted("window: 5 minutes")),
        refused("input.kafka.dead_letter_topic",
            "input.kafka.dead_letter_topic: value 'bad topic' is not allowed; allowed: empty (no"
                + " dead-letter topic) or a topic name of letters, digits, '.', '_' and '-'",
            slice.formatted("dead_letter_topic: bad topic")),
        refused("input.kafka.dead_letter_topic",
            "input.kafka.dead_letter_topic: value 'documents' is not allowed; allowed: a topic"
                + " that input.kafka.topics does not read (its records would be read again)",
            slice.formatted("topics: [documents], dead_letter_topic: documents")),
        refused("input.kafka.nope",
            "input.kafka.nope: unknown key; allowed keys under 'input.kafka': [bootstrap_servers,"
                + " dead_letter_topic, group_id, max_records, properties, start, topics, window]",
            slice.formatted("nope: 1")));
  }

  @Test
  void propertiesTrainsetSetsItselfAreRefused() {
    String slice = "input: {kafka: {max_records: 5, properties: {%s: x}}}";
    assertAll(
        refused("input.kafka.properties.enable.auto.commit",
            "input.kafka.properties.enable.auto.commit: cannot be passed through: always false:"
                + " trainset commits offsets once the run has read them",
            slice.formatted("enable.auto.commit")),
        refused("input.kafka.properties.group.id",
            "input.kafka.properties.group.id: cannot be passed through: set by"
                + " input.kafka.group_id",
            slice.formatted("group.id")),
        refused("input.kafka.properties.auto.offset.reset",
            "input.kafka.properties.auto.offset.reset: cannot be passed through: set by"
                + " input.kafka.start",
            slice.formatted("auto.offset.reset")));
  }

  @Test
  void noMessageOrStringFormShowsAPropertyValue() {
    String slice = "input: {kafka: {max_records: 5, properties: {sasl.jaas.config: %s}}}";
    ConfigException notText = assertThrows(ConfigException.class,
        () -> load(slice.formatted("[" + SECRET + "]")));
    assertEquals("input.kafka.properties.sasl.jaas.config: the value is not allowed (not shown:"
        + " it may be a secret); expected text", notText.getMessage());
    ConfigException notAMap = assertThrows(ConfigException.class,
        () -> load("input: {kafka: {max_records: 5, properties: " + SECRET + "}}"));
    assertEquals("input.kafka.properties: the value is not allowed (not shown: it may be a"
        + " secret); expected a mapping of property names to text", notAMap.getMessage());
    ConfigException noValue = assertThrows(ConfigException.class,
        () -> load(slice.formatted("null")));
    assertEquals("input.kafka.properties.sasl.jaas.config: no value given; expected text",
        noValue.getMessage());
    // A refusal of another key while a secret is set does not show it either.
    ConfigException other = assertThrows(ConfigException.class, () -> load(
        "input: {kafka: {max_records: -1, properties: {ssl.key.password: " + SECRET + "}}}"));
    assertFalse(other.getMessage().contains(SECRET), other.getMessage());

    PipelineSpec spec = load(slice.formatted(SECRET));
    assertEquals(SECRET, spec.input().kafka().properties().get("sasl.jaas.config"));
    assertFalse(spec.toString().contains(SECRET), spec.toString());
    assertTrue(spec.input().kafka().toString().contains("properties=[sasl.jaas.config]"));
  }
}
