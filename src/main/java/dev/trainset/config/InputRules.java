package dev.trainset.config;

import static dev.trainset.config.Checks.nonEmpty;

import java.util.List;

/** What the {@code input} section allows beyond the types of its keys. */
final class InputRules {
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
    if (!List.of("auto", "jsonl", "json", "csv").contains(input.format())) {
      throw ConfigException.notAllowed("input.format", input.format(),
          "auto, jsonl, json, csv (parquet input is not available in this version)");
    }
    nonEmpty("input.id_field", input.idField());
  }
}
