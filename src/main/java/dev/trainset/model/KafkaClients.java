package dev.trainset.model;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The client factory KafkaIO is given: KafkaIO's own configuration with {@code
 * input.kafka.properties} (SASL, SSL, ...) added. Handed over this way the properties reach the
 * client but not KafkaIO's display data, which a runner shows and logs; only their keys are
 * ever printed.
 */
public final class KafkaClients<T> implements SerializableFunction<Map<String, Object>, T> {
  private final String kind;
  private final Map<String, String> properties;
  private final SerializableFunction<Map<String, Object>, T> client;

  private KafkaClients(String kind, Map<String, String> properties,
      SerializableFunction<Map<String, Object>, T> client) {
    this.kind = kind;
    this.properties = new HashMap<>(properties);
    this.client = client;
  }

  /** For {@code KafkaIO.read().withConsumerFactoryFn}. */
  public static KafkaClients<Consumer<byte[], byte[]>> consumers(Map<String, String> properties) {
    return new KafkaClients<>("consumers", properties, KafkaConsumer<byte[], byte[]>::new);
  }

  /** For {@code KafkaIO.write().withProducerFactoryFn}. */
  public static KafkaClients<Producer<String, String>> producers(Map<String, String> properties) {
    return new KafkaClients<>("producers", properties, KafkaProducer<String, String>::new);
  }

  @Override
  public T apply(Map<String, Object> config) {
    Map<String, Object> all = new HashMap<>(config);
    all.putAll(properties);
    return client.apply(all);
  }

  @Override
  public String toString() {
    return "Kafka " + kind + " with properties " + properties.keySet();
  }
}
