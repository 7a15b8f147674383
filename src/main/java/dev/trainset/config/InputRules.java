package dev.trainset.config;

import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;

/** What the {@code input} section allows beyond the types of its keys. */
final class InputRules {
  private static final int MIN_RECORD_BYTES = 1024;
  /** A Java array holds under 2 GiB; one record is held whole, and its text again as chars. */
  private static final int MAX_RECORD_BYTES = 1 << 30;
  private InputRules() {}

  static void check(PipelineSpec.Input input) {
    if (input.kafka() != null) {
      throw new ConfigException(
          "input.kafka", "reading from Kafka is not available in this version; use input.paths");
    }
    if (input.paths().isEmpty()) {
      throw new ConfigException(
          "input.paths", "no input given; list file globs under input.paths or pass --input=GLOB");
    }
    for (int i = 0; i < input.paths().size(); i++) {
      if (input.paths().get(i).isBlank()) {
        throw ConfigException.notAllowed("input.paths[" + i + "]", "", "a file path or glob");
      }
    }
    oneOf("input.format", input.format(), InputFormat.class);
    nonEmpty("input.id_field", input.idField());
    if (input.maxRecordBytes() < MIN_RECORD_BYTES || input.maxRecordBytes() > MAX_RECORD_BYTES) {
      throw ConfigException.notAllowed("input.max_record_bytes", input.maxRecordBytes(),
          "a whole number of bytes from " + MIN_RECORD_BYTES + " to " + MAX_RECORD_BYTES);
    }
  }
}
