package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming run from a real Kafka topic through the real jar on the embedded runner: starts a
 * KRaft broker with runners/kafka-broker.sh, produces known records (good ones, a duplicate, one
 * that is not JSON, one that is not an object) into two partitions, stamped into three 10-second
 * windows, and runs trainset with {@code input.kafka.max_records: 0}. Each window must become
 * one complete export in {@code window=<UTC start>/} with its own _SUCCESS, stats.json with exact
 * counts ({@code read = exported + rejected}) and manifest; across windows every produced record
 * is accounted for exactly once. Then the job is killed ({@code kill -9}) once Kafka holds its
 * committed offsets, more records are produced, and the same command restarts the job from its
 * last checkpoint: it exports each new record exactly once (a copy Beam reads again from the
 * restored split is refused as a duplicate), still knows the contents it kept before the kill
 * (a copy is refused as a duplicate of the first window's survivor), and leaves the finished
 * windows as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaStreamingIT {
  private static final String TOPIC = "stream-it";
  private static final String GROUP = "trainset-stream-it";
  private static final LocalKafka BROKER =
      new LocalKafka(Path.of("target/kafka-broker-stream-it"), "19292");
  /**
   * The first window's start: records carry their own timestamps, so windows are known. Recent,
   * because the broker deletes records older than its retention (7 days) by their timestamps.
   */
  private static final long T0 = (System.currentTimeMillis() - 600_000) / 60_000 * 60_000;

  private static final String K1 =
      "{\"id\":\"k1\",\"instruction\":\"Name a primary colour.\",\"output\":\"Red is one.\"}";
  private static final String NO_ID =
      "{\"instruction\":\"What is two plus two?\",\"output\":\"Two plus two is four.\"}";
  private static final String K3 =
      "{\"id\":\"k3\",\"instruction\":\"Say hello in French.\",\"output\":\"Bonjour.\"}";
  private static final String K4 =
      "{\"id\":\"k4\",\"instruction\":\"Name a planet.\",\"output\":\"Mars is a planet.\"}";
  private static final String K5 =
      "{\"id\":\"k5\",\"instruction\":\"Name an ocean.\",\"output\":\"The Pacific.\"}";
  private static final String K6 =
      "{\"id\":\"k6\",\"instruction\":\"Name a metal.\",\"output\":\"Iron is a metal.\"}";
  private static final String K7 =
      "{\"id\":\"k7\",\"instruction\":\"Name a river.\",\"output\":\"The Nile.\"}";

  /** Kept when the test fails: the job's output, logs and checkpoints tell what happened. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path work;
  private String bootstrap;
  private Path out;
  private Path pipeline;

  @BeforeAll
  void startBroker() throws Exception {
    bootstrap = BROKER.start();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all()
          .get(60, TimeUnit.SECONDS);
    }
    out = work.resolve("out");
    pipeline = work.resolve("stream.yaml");
    Files.writeString(pipeline, "name: stream-it\n"
        + "input:\n"
        + "  kafka:\n"
        + "    bootstrap_servers: " + bootstrap + "\n"
        + "    topics: [" + TOPIC + "]\n"
        + "    group_id: " + GROUP + "\n"
        + "    window: 10s\n"
        + "split:\n"
        + "  ratios: {train: 1.0}\n"
        + "output:\n"
        + "  dir: " + out + "\n"
        + "  formats: [jsonl, chatml]\n");
  }

  @AfterAll
  void stopBroker() throws Exception {
    BROKER.stop();
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** Sends {@code value} to {@code partition}, stamped {@code second} s after the first window. */
  private record Sent(int partition, int second, String value) {}

  private static void produce(String bootstrap, List<Sent> records) throws Exception {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (Sent record : records) {
        producer.send(new ProducerRecord<>(TOPIC, record.partition(),
            T0 + record.second() * 1000L, null, record.value())).get(60, TimeUnit.SECONDS);
      }
    }
  }

  private Process start(Path stdout) throws IOException {
    String jar = System.getProperty("trainset.jar", "target/trainset.jar");
    return new ProcessBuilder("java", "-Xmx1g", "-jar", jar, "--pipeline=" + pipeline)
        .redirectOutput(stdout.toFile())
        .redirectError(work.resolve(stdout.getFileName() + ".err").toFile())
        .start();
  }

  private static String window(int second) {
    return "window=" + Instant.ofEpochMilli(T0 + second * 1000L).toString()
        .replace(":", "-");
  }

  private void awaitSuccess(Process job, Path stdout, String... windows) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      boolean all = true;
      for (String window : windows) {
        all &= Files.exists(out.resolve(window).resolve("_SUCCESS"));
      }
      if (all) {
        return;
      }
      if (!job.isAlive() || System.nanoTime() > deadline) {
        job.destroyForcibly();
        throw new AssertionError("windows " + List.of(windows) + " not all committed (job "
            + (job.isAlive() ? "still running" : "exited " + job.exitValue()) + "); stdout:\n"
            + Files.readString(stdout) + "\nstderr:\n"
            + Files.readString(work.resolve(stdout.getFileName() + ".err")));
      }
      Thread.sleep(500);
    }
  }

  /** Waits until the group's committed offsets reach {@code ends} (partition -> offset). */
  private void awaitCommitted(Map<Integer, Long> ends) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    Map<Integer, Long> committed = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      committed.clear();
      try (Admin admin = admin()) {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
            .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        offsets.forEach((partition, offset) -> {
          if (offset != null) {
            committed.put(partition.partition(), offset.offset());
          }
        });
      }
      if (committed.equals(ends)) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("committed offsets " + committed + ", expected " + ends);
  }

  @Test
  void eachWindowIsOneCompleteExportAndARestartLosesNothing() throws Exception {
    produce(bootstrap, List.of(
        new Sent(0, 1, K1), new Sent(0, 2, NO_ID), new Sent(1, 3, NO_ID),
        new Sent(1, 4, "this is not json"),
        new Sent(0, 11, K3), new Sent(1, 12, K4),
        new Sent(0, 21, "[\"not\", \"an object\"]"), new Sent(1, 22, K5)));

    Path firstOut = work.resolve("first.out");
    Process first = start(firstOut);
    try {
      awaitSuccess(first, firstOut, window(0), window(10), window(20));
      // Kafka holds the offsets once a checkpoint completed after the windows were read.
      awaitCommitted(Map.of(0, 4L, 1, 4L));
    } finally {
      first.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    }

    String noId = Hashes.sha256Hex(Json.write(Json.MAPPER.readTree(NO_ID)), 16);
    assertWindow(window(0), 4, List.of("k1", noId),
        Map.of(TOPIC + ":1:1", "read/parse_error", noId, "quality/duplicate"));
    assertWindow(window(10), 2, List.of("k3", "k4"), Map.of());
    assertWindow(window(20), 2, List.of("k5"), Map.of(TOPIC + ":0:3", "read/not_an_object"));
    String summaries = Files.readString(firstOut);
    assertTrue(summaries.contains("trainset: stream-it: " + window(0) + ": read 4, exported 2"
        + " (train 2), rejected 2 (duplicate 1, parse_error 1)"), summaries);
    Map<String, String> committedWindows = snapshot(out);

    // Killed; the same command resumes from the last checkpoint. A copy of k1's content under
    // another id tests that the restored dedup memory still knows k1.
    String k1Copy = K1.replace("\"k1\"", "\"k1b\"");
    produce(bootstrap, List.of(new Sent(0, 31, K6), new Sent(1, 32, K7), new Sent(0, 33, k1Copy)));
    Path secondOut = work.resolve("second.out");
    Process second = start(secondOut);
    Map<String, Long> exported;
    try {
      awaitCommitted(Map.of(0, 6L, 1, 5L));
      exported = awaitNewWindows(second, committedWindows.keySet());
    } finally {
      second.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    }
    String resumed = Files.readString(work.resolve("second.out.err"));
    assertTrue(resumed.contains("trainset: stream-it: resuming from " + out.resolve("_checkpoints")),
        resumed);
    // Every new record exported exactly once. Beam may read a restored Kafka split twice: a copy
    // read again is refused as a duplicate, so it is counted, never exported twice. The new
    // records are older than the restored watermark, so they land in windows open at the restart.
    assertEquals(Map.of("k6", 1L, "k7", 1L), exported);
    List<JsonNode> rejections = new ArrayList<>();
    long read = 0;
    for (String window : newWindows(committedWindows.keySet())) {
      JsonNode stats = Json.MAPPER.readTree(out.resolve(window).resolve("_report/stats.json")
          .toFile());
      read += stats.get("records_read").asLong();
      assertEquals(stats.get("records_read").asLong(), stats.get("examples_exported").asLong()
          + stats.get("records_rejected").asLong(), window);
      for (String line : lines(out.resolve(window).resolve("_rejected"))) {
        rejections.add(Json.MAPPER.readTree(line));
      }
    }
    assertTrue(read == 3 || read == 6, "read " + read + " of 3 new records (6 with a replay)");
    assertEquals(read - 2, rejections.size());
    for (JsonNode rejection : rejections) {
      assertEquals("duplicate", rejection.get("reason").asText(), rejection.toString());
      if (rejection.get("id").asText().equals("k1b")) {
        // The first copy meets k1's survivor; a second copy, read again, may meet the first.
        String detail = rejection.get("detail").asText();
        assertTrue(detail.equals("duplicate of k1 (" + TOPIC + ":0:0) in " + window(0))
            || detail.equals("duplicate of k1b (" + TOPIC + ":0:5)"), detail);
      }
    }
    assertTrue(rejections.stream().anyMatch(r -> r.get("detail").asText()
        .equals("duplicate of k1 (" + TOPIC + ":0:0) in " + window(0))), rejections.toString());
    Map<String, String> after = snapshot(out);
    after.keySet().retainAll(committedWindows.keySet());
    assertEquals(committedWindows, after, "the windows committed before the kill changed");
  }

  /** The windows the second job committed: those not among {@code before}'s files. */
  private List<String> newWindows(java.util.Set<String> before) throws IOException {
    TreeSet<String> old = new TreeSet<>();
    before.forEach(path -> old.add(path.substring(0, path.indexOf('/'))));
    List<String> windows = new ArrayList<>();
    try (Stream<Path> list = Files.list(out)) {
      for (Path folder : list.sorted().toList()) {
        String name = folder.getFileName().toString();
        if (name.startsWith("window=") && !old.contains(name)) {
          windows.add(name);
        }
      }
    }
    return windows;
  }

  /**
   * Waits until every new window folder has its _SUCCESS and k6 and k7 are exported, and for 15
   * s more without a new window (a replayed copy lands in the window open at the restart); gives
   * how often each id was exported in the new windows.
   */
  private Map<String, Long> awaitNewWindows(Process job, java.util.Set<String> before)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long quietSince = 0;
    List<String> seen = List.of();
    while (System.nanoTime() < deadline && job.isAlive()) {
      List<String> windows = newWindows(before);
      boolean complete = windows.stream()
          .allMatch(window -> Files.exists(out.resolve(window).resolve("_SUCCESS")));
      Map<String, Long> exported = new TreeMap<>();
      for (String window : windows) {
        for (String line : lines(out.resolve(window).resolve("jsonl"))) {
          exported.merge(Json.MAPPER.readTree(line).get("id").asText(), 1L, Long::sum);
        }
      }
      if (!complete || !windows.equals(seen) || !exported.keySet().containsAll(List.of("k6", "k7"))) {
        seen = windows;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(15)) {
        return exported;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the restarted job's windows did not settle: " + newWindows(before));
  }

  /** Checks one window's export: counts, rejections by id, exported ids, manifest. */
  private void assertWindow(String window, long read, List<String> exported,
      Map<String, String> rejected) throws IOException {
    Path folder = out.resolve(window);
    assertTrue(Files.exists(folder.resolve("_SUCCESS")), window);
    JsonNode stats = Json.MAPPER.readTree(folder.resolve("_report/stats.json").toFile());
    assertEquals(read, stats.get("records_read").asLong(), window + " " + stats);
    assertEquals(exported.size(), stats.get("examples_exported").asLong(), window);
    assertEquals(rejected.size(), stats.get("records_rejected").asLong(), window);
    assertEquals(read, stats.get("examples_exported").asLong()
        + stats.get("records_rejected").asLong(), window);

    Map<String, String> rejections = new TreeMap<>();
    for (String line : lines(folder.resolve("_rejected"))) {
      JsonNode r = Json.MAPPER.readTree(line);
      rejections.put(r.get("id").asText(), r.get("stage").asText() + "/" + r.get("reason").asText());
    }
    assertEquals(new TreeMap<>(rejected), rejections, window);
    for (String format : List.of("jsonl", "chatml")) {
      assertEquals(exported.size(), lines(folder.resolve(format)).size(), window + " " + format);
    }
    TreeSet<String> ids = new TreeSet<>();
    for (String line : lines(folder.resolve("jsonl"))) {
      ids.add(Json.MAPPER.readTree(line).get("id").asText());
    }
    assertEquals(new TreeSet<>(exported), ids, window);

    JsonNode manifest = Json.MAPPER.readTree(folder.resolve("_report/manifest.json").toFile());
    for (JsonNode file : manifest.get("files")) {
      Path path = folder.resolve(file.get("path").asText());
      assertEquals(Files.size(path), file.get("bytes").asLong(), path.toString());
      assertEquals(Hashes.sha256Hex(Files.readString(path), 64), file.get("sha256").asText(),
          path.toString());
    }
  }

  /**
   * Every published file under {@code root} and its text (checkpoints left out). A window the
   * restarted job replays is published again with the same files; only the run's id in its
   * manifest and the duration in its stats.json are the new run's, so they are left out.
   */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String relative = root.relativize(file).toString().replace(File.separatorChar, '/');
        if (!relative.startsWith("window=") || relative.contains("/.")
            || relative.endsWith("/_report/manifest.json")) {
          continue;
        }
        String text = Files.readString(file);
        if (relative.endsWith("/_report/stats.json")) {
          com.fasterxml.jackson.databind.node.ObjectNode stats =
              (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(text);
          stats.remove("duration_ms");
          text = stats.toString();
        }
        files.put(relative, text);
      }
    }
    return files;
  }

  private static List<String> lines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return lines;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
      }
    }
    return lines;
  }
}
