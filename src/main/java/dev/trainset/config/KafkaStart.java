package dev.trainset.config;

import java.util.Locale;

/** {@code input.kafka.start}: where a Kafka consumer group begins reading its topics. */
public enum KafkaStart {
  EARLIEST,
  LATEST,
  /** the group's committed offsets. */
  COMMITTED;

  /** The value as the pipeline file writes it. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
