package dev.trainset.config;

import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;

import java.util.Map;
import java.util.regex.Pattern;

/** What the {@code input} section allows beyond the types of its keys. */
final class InputRules {
  private static final Pattern SERVER = Pattern.compile("[^\\s:,]+:\\d{1,5}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  /** Consumer properties trainset sets itself, and the key of input.kafka that sets each. */
  private static final Map<String, String> SET_BY_TRAINSET = Map.of(
      "bootstrap.servers", "set by input.kafka.bootstrap_servers",
      "group.id", "set by input.kafka.group_id",
      "auto.offset.reset", "set by input.kafka.start",
      "enable.auto.commit", "always false: trainset commits offsets once the run has read them",
      "key.deserializer", "set by trainset (values are read as JSON text)",
      "value.deserializer", "set by trainset (values are read as JSON text)");

  private static final int MIN_RECORD_BYTES = 1024;
  /** A Java array holds under 2 GiB; one record is held whole, and its text again as chars. */
  private static final int MAX_RECORD_BYTES = 1 << 30;

  /**
   * The deepest nesting a record may have: the coders and the readers of written files allow a
   * few levels more (an example's metadata object wraps a record's values).
   */
  static final int MAX_DEPTH = 1000;

  private InputRules() {}

  static void check(PipelineSpec.Input input) {
    if (input.kafka() != null) {
      if (!input.paths().isEmpty()) {
        throw new ConfigException("input", "input.paths and input.kafka are both given; read"
            + " either files (input.paths) or a Kafka topic (input.kafka), not both");
      }
      kafka(input.kafka());
    } else {
      paths(input);
    }
    oneOf("input.format", input.format(), InputFormat.class);
    nonEmpty("input.id_field", input.idField());
    if (input.maxRecordBytes() < MIN_RECORD_BYTES || input.maxRecordBytes() > MAX_RECORD_BYTES) {
      throw ConfigException.notAllowed("input.max_record_bytes", input.maxRecordBytes(),
          "a whole number of bytes from " + MIN_RECORD_BYTES + " to " + MAX_RECORD_BYTES);
    }
    if (input.maxDepth() < 1 || input.maxDepth() > MAX_DEPTH) {
      throw ConfigException.notAllowed("input.max_depth", input.maxDepth(),
          "a whole number of levels from 1 to " + MAX_DEPTH);
    }
  }

  private static void paths(PipelineSpec.Input input) {
    if (input.paths().isEmpty()) {
      throw new ConfigException("input.paths", "no input given; list file globs under input.paths,"
          + " pass --input=GLOB or read a Kafka topic with input.kafka");
    }
    for (int i = 0; i < input.paths().size(); i++) {
      if (input.paths().get(i).isBlank()) {
        throw ConfigException.notAllowed("input.paths[" + i + "]", "", "a file path or glob");
      }
    }
  }

  private static void kafka(PipelineSpec.Kafka kafka) {
    String servers = kafka.bootstrapServers() == null ? "" : kafka.bootstrapServers();
    for (String server : servers.split(",", -1)) {
      if (!SERVER.matcher(server.trim()).matches()) {
        throw ConfigException.notAllowed("input.kafka.bootstrap_servers", servers,
            "host:port, or several separated by commas");
      }
    }
    if (kafka.topics().isEmpty()) {
      throw new ConfigException("input.kafka.topics", "no topic given; list at least one topic");
    }
    for (int i = 0; i < kafka.topics().size(); i++) {
      String topic = kafka.topics().get(i);
      if (topic == null || !TOPIC.matcher(topic).matches()) {
        throw ConfigException.notAllowed("input.kafka.topics[" + i + "]", topic,
            "a topic name of letters, digits, '.', '_' and '-'");
      }
    }
    String deadLetters = kafka.deadLetterTopic() == null ? "" : kafka.deadLetterTopic();
    if (!deadLetters.isEmpty() && !TOPIC.matcher(deadLetters).matches()) {
      throw ConfigException.notAllowed("input.kafka.dead_letter_topic", deadLetters,
          "empty (no dead-letter topic) or a topic name of letters, digits, '.', '_' and '-'");
    }
    if (kafka.topics().contains(deadLetters)) {
      throw ConfigException.notAllowed("input.kafka.dead_letter_topic", deadLetters,
          "a topic that input.kafka.topics does not read (its records would be read again)");
    }
    if (kafka.groupId() == null || kafka.groupId().isBlank()) {
      throw ConfigException.notAllowed("input.kafka.group_id",
          kafka.groupId() == null ? "" : kafka.groupId(),
          "a non-empty consumer group id (offsets are committed for it)");
    }
    oneOf("input.kafka.start", kafka.start(), KafkaStart.class);
    if (kafka.maxRecords() < 0) {
      throw ConfigException.notAllowed("input.kafka.max_records", kafka.maxRecords(),
          "a whole number >= 0 (0: read without end, one export per window; > 0: a bounded"
              + " slice, a batch run)");
    }
    if (!Durations.valid(kafka.window())) {
      throw ConfigException.notAllowed("input.kafka.window", kafka.window(), Durations.ALLOWED);
    }
    for (Map.Entry<String, String> property : kafka.properties().entrySet()) {
      // Never the value: it may be a password or a JAAS line.
      String key = "input.kafka.properties." + property.getKey();
      if (property.getKey().isBlank()) {
        throw new ConfigException("input.kafka.properties", "a property with an empty name");
      }
      String setBy = SET_BY_TRAINSET.get(property.getKey());
      if (setBy != null) {
        throw new ConfigException(key, "cannot be passed through: " + setBy);
      }
      if (property.getValue() == null) {
        throw new ConfigException(key, "no value given; expected text");
      }
    }
  }
}
