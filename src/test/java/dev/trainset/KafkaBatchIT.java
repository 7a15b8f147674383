package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded slice of a real Kafka topic through the real jar: starts a KRaft broker with
 * runners/kafka-broker.sh, produces known values (good ones, an exact duplicate, one that is not
 * JSON, one that is a JSON array), runs trainset on the embedded runner with {@code input.kafka}
 * and {@code max_records} = what was produced, and checks the finished output: _SUCCESS, exact
 * stats.json counts, the read rejections under their {@code topic:partition:offset} ids, the
 * exported ids, the same rejections on the dead-letter topic, the group's committed offset, and
 * that a consumer property's value is printed nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaBatchIT {
  private static final String TOPIC = "docs-it";
  private static final String DEAD_LETTERS = "docs-it-rejected";
  private static final String SECRET = "not-a-real-password-4711";
  private static final LocalKafka BROKER =
      new LocalKafka(Path.of("target/kafka-broker-it"), "19192");

  @TempDir static Path work;
  private String bootstrap;
  private final List<Long> offsets = new ArrayList<>();

  private static final String GOOD_1 =
      "{\"id\":\"k1\",\"instruction\":\"Name a primary colour.\",\"output\":\"Red is one.\"}";
  private static final String NO_ID =
      "{\"instruction\":\"What is two plus two?\",\"output\":\"Two plus two is four.\"}";
  private static final String GOOD_2 =
      "{\"id\":\"k3\",\"instruction\":\"Say hello in French.\",\"output\":\"Bonjour.\"}";
  private static final List<String> VALUES =
      List.of(GOOD_1, NO_ID, NO_ID, "this is not json", "[\"a\", \"b\"]", GOOD_2);

  @BeforeAll
  void startBrokerAndProduce() throws Exception {
    bootstrap = BROKER.start();

    Properties producer = new Properties();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> send =
        new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
      for (String value : VALUES) {
        RecordMetadata sent = send.send(new ProducerRecord<>(TOPIC, value)).get(60, TimeUnit.SECONDS);
        assertEquals(0, sent.partition());
        offsets.add(sent.offset());
      }
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets);
  }

  @AfterAll
  void stopBroker() throws Exception {
    BROKER.stop();
  }

  @Test
  void readsTheSliceIntoACompleteExport() throws Exception {
    Path out = work.resolve("out");
    Path pipeline = work.resolve("kafka.yaml");
    Files.writeString(pipeline, "name: kafka-it\n"
        + "input:\n"
        + "  kafka:\n"
        + "    bootstrap_servers: " + bootstrap + "\n"
        + "    topics: [" + TOPIC + "]\n"
        + "    group_id: trainset-it\n"
        + "    start: earliest\n"
        + "    max_records: " + VALUES.size() + "\n"
        + "    properties: {client.id: trainset-it, ssl.key.password: " + SECRET + "}\n"
        + "    dead_letter_topic: " + DEAD_LETTERS + "\n"
        + "output:\n"
        + "  dir: " + out + "\n"
        + "  formats: [jsonl]\n");

    EndToEndIT.Run run = EndToEndIT.trainset("--pipeline=" + pipeline);

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("trainset: kafka-it: read 6, exported 3"), run.out());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(6, stats.get("records_read").asLong());
    assertEquals(3, stats.get("examples_exported").asLong());
    assertEquals(3, stats.get("records_rejected").asLong());
    assertEquals(Json.MAPPER.readTree(
            "{\"duplicate\":1,\"not_an_object\":1,\"parse_error\":1}"),
        stats.get("rejected_by_reason"));

    String noId = Hashes.sha256Hex(Json.write(Json.MAPPER.readTree(NO_ID)), 16);
    Map<String, String> rejected = new TreeMap<>();
    Map<String, String> rejectedLines = new TreeMap<>();
    for (String line : lines(out.resolve("_rejected"))) {
      rejectedLines.put(Json.MAPPER.readTree(line).get("id").asText(), line);
      JsonNode r = Json.MAPPER.readTree(line);
      rejected.put(r.get("id").asText(), r.get("stage").asText() + "/" + r.get("reason").asText());
      if (r.get("reason").asText().equals("duplicate")) {
        assertTrue(r.get("detail").asText().contains(TOPIC + ":0:1"), r.toString());
      }
    }
    assertEquals(Map.of(
            TOPIC + ":0:3", "read/parse_error",
            TOPIC + ":0:4", "read/not_an_object",
            noId, "quality/duplicate"),
        rejected);

    // The dead-letter topic holds the same rejections, keyed by id, each line as _rejected has it.
    assertEquals(rejectedLines, deadLetters(rejectedLines.size()));

    TreeSet<String> exported = new TreeSet<>();
    for (String line : lines(out.resolve("jsonl"))) {
      exported.add(Json.MAPPER.readTree(line).get("id").asText());
    }
    assertEquals(new TreeSet<>(List.of("k1", "k3", noId)), exported);

    // The run committed what it read for its group, and the consumer did not do it on its own.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin
          .listConsumerGroupOffsets("trainset-it").partitionsToOffsetAndMetadata()
          .get(60, TimeUnit.SECONDS);
      assertEquals(6L, committed.get(new TopicPartition(TOPIC, 0)).offset(), committed.toString());
    }

    // The property's value is in no output, message or file of the run.
    assertFalse(run.out().contains(SECRET), "stdout shows a consumer property value");
    assertFalse(run.err().contains(SECRET), "stderr shows a consumer property value");
    for (Path file : files(out)) {
      assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(SECRET),
          file + " holds a consumer property value");
    }
  }

  /** Reads the dead-letter topic from its start until {@code expected} records or 60 s. */
  private Map<String, String> deadLetters(int expected) {
    Properties consumer = new Properties();
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader");
    Map<String, String> records = new TreeMap<>();
    int seen = 0;
    try (KafkaConsumer<String, String> read =
        new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
      read.subscribe(List.of(DEAD_LETTERS));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen < expected && System.nanoTime() < until) {
        for (ConsumerRecord<String, String> record : read.poll(Duration.ofSeconds(1))) {
          records.put(record.key(), record.value());
          seen++;
        }
      }
    }
    assertEquals(expected, seen, "records on the dead-letter topic: " + records);
    return records;
  }

  private static List<String> lines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path file : files(folder)) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  private static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }
}
