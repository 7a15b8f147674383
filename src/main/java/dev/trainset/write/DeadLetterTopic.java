package dev.trainset.write;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.KafkaClients;
import dev.trainset.model.Rejected;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends every rejected record to {@code input.kafka.dead_letter_topic} as well as to {@code
 * _rejected/}: the key is the record's id (for a value that could not be read, its {@code
 * <topic>:<partition>:<offset>}), the value the same JSON line {@code _rejected/} holds.
 *
 * <p>The producer reaches the brokers of {@code input.kafka.bootstrap_servers} with the same
 * pass-through properties as the consumer (SASL, SSL), given through its factory so that they stay
 * out of the graph's display data. Sends are acknowledged by all in-sync replicas and retried; a
 * record read again after a restart is sent again, so a consumer of the topic sees each rejection
 * at least once and can tell repeats by their key.
 */
public final class DeadLetterTopic extends PTransform<PCollection<Rejected>, PDone> {
  private final PipelineSpec.Kafka kafka;

  private DeadLetterTopic(PipelineSpec.Kafka kafka) {
    this.kafka = kafka;
  }

  /** Sends to {@code kafka.dead_letter_topic} on {@code kafka.bootstrap_servers}. */
  public static DeadLetterTopic of(PipelineSpec.Kafka kafka) {
    return new DeadLetterTopic(kafka);
  }

  @Override
  public PDone expand(PCollection<Rejected> rejected) {
    return rejected
        .apply("KeyById", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((Rejected r) -> KV.of(r.id(), r.toJson())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("Send", KafkaIO.<String, String>write()
            .withBootstrapServers(kafka.bootstrapServers())
            .withTopic(kafka.deadLetterTopic())
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class)
            .withProducerConfigUpdates(Map.of(ProducerConfig.ACKS_CONFIG, "all"))
            .withProducerFactoryFn(KafkaClients.producers(kafka.properties())));
  }
}
