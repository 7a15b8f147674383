package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import dev.trainset.report.FlinkRestProgress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar on a real Flink session cluster: {@code runners/flink-cluster.sh} starts a JobManager
 * and a TaskManager as processes of their own, and the jar is launched as a user launches it. A
 * detached submission returns before its job finishes, and the job then finishes the run itself
 * with the files the embedded runner writes; a TaskManager killed in the middle of a run leaves
 * the previous output as it was; a streaming job from Kafka, submitted detached, commits the
 * same windows as the embedded runner and is cancelled after two.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
  private static final String FORMATS =
      "jsonl,chatml,alpaca,text,sharegpt,openai,anthropic,tokens,csv";
  private static final Path STATE = Path.of("target/flink-cluster-it").toAbsolutePath();
  /** What every process of the test printed, kept for a look after a failure. */
  private static final Path LOGS = Path.of("target/flink-cluster-it-logs").toAbsolutePath();
  // No restarts: a job that lost its TaskManager fails at once instead of waiting for slots; a
  // 2 s heartbeat finds a killed TaskManager in seconds (unreachable, not timed out: 50 s stays);
  // task metrics fetched every second (10 s by default), so that a poll during the job sees them.
  private static final String CLUSTER_CONFIG =
      "restart-strategy.type: none\nheartbeat.interval: 2000\n"
          + "metrics.fetcher.update-interval: 1000";
  /**
   * How runners/README says to launch onto a cluster: the launcher only builds, translates and
   * submits the graph, and the C1 compiler alone with one GC thread halve that on 2 cores.
   */
  private static final List<String> LAUNCHER_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  // Bounds for 2-core machines shared with other builds; none of them is a speed claim.
  private static final Duration CLUSTER_START = Duration.ofMinutes(8);
  private static final Duration LAUNCH = Duration.ofMinutes(3);
  private static final Duration JOB = Duration.ofMinutes(3);
  private static final Pattern SUBMITTED = Pattern.compile(
      "trainset: quickstart: submitted job ([0-9a-f]{32}) on FlinkRunner; the output is complete"
          + " when (.+)/_SUCCESS exists");
  /** Files whose text names the output directory: the trainer hand-off. */
  private static final List<String> NAME_THE_DIRECTORY =
      List.of("_report/axolotl/", "_report/llama_factory/");

  @TempDir static Path work;
  private String restPort;
  private Started embedded;
  private Path embeddedOut;
  private Thread stopOnExit;

  /** A started process, named for its output files. */
  record Started(String name, Process process) {}

  /** A finished process: exit status, what it printed, and when it ended (epoch ms). */
  record Run(int exit, String out, String err, long endedMillis) {}

  @BeforeAll
  void startTheClusterAndTheEmbeddedRun() throws Exception {
    work = work.toAbsolutePath();
    if (Files.isDirectory(LOGS)) {
      try (Stream<Path> old = Files.list(LOGS)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    embeddedOut = work.resolve("embedded");
    // The embedded reference run needs no cluster: it runs while the cluster starts.
    embedded = start("embedded", jar("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + embeddedOut, "--formats=" + FORMATS));
    // Should the JVM end without @AfterAll; a JVM that is killed is the script's watchdog's job.
    stopOnExit = new Thread(() -> script("stop", Duration.ofMinutes(1)));
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    script("stop", Duration.ofMinutes(1));
    long begin = System.nanoTime();
    Run started = script("start", CLUSTER_START);
    assertEquals(0, started.exit(), started.err());
    Matcher master = Pattern.compile("--flinkMaster=127\\.0\\.0\\.1:(\\d+)").matcher(started.out());
    assertTrue(master.find(), started.out() + started.err());
    restPort = master.group(1);
    log("cluster up in %.1f s at 127.0.0.1:%s", seconds(begin), restPort);
  }

  @AfterAll
  void stopTheCluster() {
    if (embedded != null) {
      embedded.process().destroyForcibly();
    }
    Run stopped = script("stop", Duration.ofMinutes(1));
    Runtime.getRuntime().removeShutdownHook(stopOnExit);
    assertEquals(0, stopped.exit(), stopped.err());
    assertFalse(alive("jobmanager") || alive("taskmanager"), "a Flink process outlived stop");
  }

  @Test
  @Order(1)
  void aDetachedRunReturnsBeforeItsJobEndsAndTheJobWritesWhatTheEmbeddedRunnerWrites()
      throws Exception {
    Path out = work.resolve("cluster");
    long begin = System.nanoTime();
    Run launch = waitFor(start("detached", launcher("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + out, "--formats=" + FORMATS, "--runner=FlinkRunner",
        "--flinkMaster=127.0.0.1:" + restPort, "--attachedMode=false", "--parallelism=2",
        "--fasterCopy=true", "--filesToStage=" + jarPath())), LAUNCH);
    boolean completeAtReturn = Files.exists(out.resolve("_SUCCESS"));
    log("detached launcher returned in %.1f s", seconds(begin));

    assertEquals(0, launch.exit(), launch.err());
    Matcher submitted = SUBMITTED.matcher(launch.out().strip());
    assertTrue(submitted.matches(), launch.out());
    assertEquals(out.toString(), submitted.group(2));
    assertFalse(completeAtReturn, "_SUCCESS existed when the detached launcher returned");

    // What the progress line of an attached launch would show, polled as the job runs.
    String jobId = submitted.group(1);
    FlinkRestProgress.Snapshot moving = null;
    long deadline = System.nanoTime() + JOB.toNanos();
    while (!Files.exists(out.resolve("_SUCCESS"))) {
      assertTrue(System.nanoTime() < deadline, "no _SUCCESS within " + JOB);
      FlinkRestProgress.Snapshot poll = FlinkRestProgress.snapshotOf(rest("/jobs/" + jobId));
      if (moving == null && poll.state().equals("RUNNING") && poll.read() > 0) {
        moving = poll;
      }
      Thread.sleep(250);
    }
    log("_SUCCESS %.1f s after the launcher returned", (System.currentTimeMillis()
        - launch.endedMillis()) / 1000.0);
    assertTrue(moving != null, "no poll during the job saw a record read");
    log("a poll during the job: %s", FlinkRestProgress.line(moving, 0));
    // _SUCCESS is the output's commit point; the job's last tasks end a moment later.
    JsonNode job = rest("/jobs/" + jobId);
    while (job.get("state").asText().equals("RUNNING") && System.nanoTime() < deadline) {
      Thread.sleep(250);
      job = rest("/jobs/" + jobId);
    }
    assertEquals("FINISHED", job.get("state").asText(), job.toString());
    log("job ran %.1f s on the cluster", job.get("duration").asLong() / 1000.0);
    assertTrue(job.get("end-time").asLong() > launch.endedMillis(),
        "the job ended before the launcher returned: " + job);
    // Once finished, the counts the progress line reads are stats.json's.
    FlinkRestProgress.Snapshot last = FlinkRestProgress.snapshotOf(job);
    assertEquals(List.of(38L, 29L, 9L), List.of(last.read(), last.exported(), last.rejected()),
        last.toString());

    Run reference = waitFor(embedded, LAUNCH);
    assertEquals(0, reference.exit(), reference.err());
    assertSameOutput(embeddedOut, out);
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals("FlinkRunner", stats.get("runner").asText());
    assertEquals(38, stats.get("records_read").asLong());
    assertEquals(29, stats.get("examples_exported").asLong());
    assertEquals(9, stats.get("records_rejected").asLong());
    assertManifestListsEveryFile(out);
    assertManifestListsEveryFile(embeddedOut);
  }

  @Test
  @Order(2)
  void aTaskManagerKilledMidRunFailsTheRunAndLeavesThePreviousOutputAsItWas() throws Exception {
    Run reference = waitFor(embedded, LAUNCH);
    assertEquals(0, reference.exit(), reference.err());
    Path out = work.resolve("killed");
    copyTree(embeddedOut, out);
    Map<String, String> previous = tree(out);
    assertTrue(previous.containsKey("_SUCCESS"), previous.keySet().toString());
    Path input = work.resolve("bigger.jsonl");
    // A hundred variants of every sample line: the writes take long enough to be caught at.
    Files.writeString(input, variants(Path.of("pipelines/samples/quickstart.jsonl"), 100));

    Started launcher = start("killed", launcher("--pipeline=pipelines/quickstart.yaml",
        "--input=" + input, "--outputDir=" + out, "--formats=" + FORMATS, "--runner=FlinkRunner",
        "--flinkMaster=127.0.0.1:" + restPort, "--parallelism=2", "--fasterCopy=true",
        "--filesToStage=" + jarPath()));
    Path staging = awaitStaging(out, launcher, LAUNCH.plus(JOB));
    long taskManager = Long.parseLong(Files.readString(STATE.resolve("taskmanager.pid")).strip());
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "publishing began before the kill");
    ProcessHandle.of(taskManager).orElseThrow().destroyForcibly();
    long killed = System.nanoTime();
    log("killed the TaskManager (%d) once %s appeared", taskManager, staging.getFileName());

    Run run = waitFor(launcher, JOB);
    log("attached launcher exited %d, %.1f s after the kill", run.exit(), seconds(killed));
    Run restarted;
    try {
      assertFailedAndLeftAsItWas(run, out, previous);
    } finally {
      // Whatever the checks found, the next test needs the TaskManager back.
      long begin = System.nanoTime();
      restarted = script("start-taskmanager", CLUSTER_START);
      log("TaskManager restarted in %.1f s", seconds(begin));
    }
    assertEquals(0, restarted.exit(), restarted.err());
    JsonNode overview = rest("/overview");
    assertEquals(1, overview.get("taskmanagers").asInt(), overview.toString());
  }

  private void assertFailedAndLeftAsItWas(Run run, Path out, Map<String, String> previous)
      throws Exception {
    assertEquals(1, run.exit(), run.out() + run.err());
    // Beam logs the job's stack trace first; the launcher's own line comes last.
    List<String> lines = run.err().strip().lines().toList();
    String failed = lines.get(lines.size() - 1);
    assertTrue(failed.startsWith("trainset: the pipeline failed: "), run.err());
    // Flink names the TaskManager it lost: by its heartbeat ("TaskManager with id ... is no longer
    // reachable") or, when the kill comes while tasks are deployed, as the RPC recipient that is
    // unreachable (".../rpc/taskmanager_0").
    assertTrue(failed.toLowerCase(Locale.ROOT).contains("taskmanager"), failed);
    assertEquals("", run.out());
    // Every previous file, _SUCCESS included, byte for byte; no staging folder left.
    assertEquals(previous, tree(out));
    JsonNode jobs = rest("/jobs/overview").get("jobs");
    long failedJobs = 0;
    for (JsonNode job : jobs) {
      failedJobs += job.get("state").asText().equals("FAILED") ? 1 : 0;
    }
    assertEquals(1, failedJobs, jobs.toString());
  }

  @Test
  @Order(3)
  void aStreamingJobSubmittedDetachedCommitsTheWindowsTheEmbeddedRunnerCommits() throws Exception {
    LocalKafka broker = new LocalKafka(STATE.resolveSibling("flink-cluster-it-kafka"), "19392");
    String bootstrap = broker.start();
    try {
      // Recent timestamps (the broker deletes records older than its retention), in two
      // 10-second windows; idle partitions let the watermark pass both at once.
      long t0 = (System.currentTimeMillis() - 600_000) / 60_000 * 60_000;
      String topic = "cluster-stream-it";
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          bootstrap))) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all()
            .get(60, TimeUnit.SECONDS);
      }
      Properties config = new Properties();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      List<String> values = List.of(
          "{\"id\":\"c1\",\"instruction\":\"Name a primary colour.\",\"output\":\"Red.\"}",
          "{\"instruction\":\"What is two plus two?\",\"output\":\"Four.\"}",
          "{\"instruction\":\"What is two plus two?\",\"output\":\"Four.\"}",
          "this is not json",
          "{\"id\":\"c3\",\"instruction\":\"Say hello in French.\",\"output\":\"Bonjour.\"}",
          "[\"not\", \"an object\"]",
          "{\"id\":\"c4\",\"instruction\":\"Name a planet.\",\"output\":\"Mars.\"}");
      int[] seconds = {1, 2, 3, 4, 11, 12, 13};
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < values.size(); i++) {
          producer.send(new ProducerRecord<>(topic, i % 2, t0 + seconds[i] * 1000L, null,
              values.get(i))).get(60, TimeUnit.SECONDS);
        }
      }
      List<String> windows = new ArrayList<>();
      for (int second : new int[] {0, 10}) {
        windows.add("window=" + java.time.Instant.ofEpochMilli(t0 + second * 1000L).toString()
            .replace(":", "-"));
      }

      Path embeddedStream = work.resolve("stream-embedded");
      Path clusterStream = work.resolve("stream-cluster");
      Started reference = start("stream-embedded",
          jar("--pipeline=" + streamPipeline(bootstrap, topic, "embedded", embeddedStream)));
      Run launch = waitFor(start("stream-detached", launcher(
          "--pipeline=" + streamPipeline(bootstrap, topic, "cluster", clusterStream),
          "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:" + restPort, "--attachedMode=false",
          "--parallelism=2", "--fasterCopy=true", "--filesToStage=" + jarPath())), LAUNCH);
      assertEquals(0, launch.exit(), launch.err());
      Matcher submitted = Pattern.compile("trainset: stream: submitted job ([0-9a-f]{32}) on"
          + " FlinkRunner; each window is complete when (.+)/window=<UTC start>/_SUCCESS exists")
          .matcher(launch.out().strip());
      assertTrue(submitted.matches(), launch.out());
      String jobId = submitted.group(1);
      try {
        awaitWindows(clusterStream, windows, "the cluster's job " + jobId);
        awaitWindows(embeddedStream, windows, "the embedded run");
        assertEquals("RUNNING", rest("/jobs/" + jobId).get("state").asText());
      } finally {
        reference.process().destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        cancel(jobId);
      }
      log("cancelled the streaming job %s after windows %s", jobId, windows);
      for (String window : windows) {
        assertSameOutput(embeddedStream.resolve(window), clusterStream.resolve(window));
        assertManifestListsEveryFile(clusterStream.resolve(window));
      }
      JsonNode first = Json.MAPPER.readTree(
          clusterStream.resolve(windows.get(0)).resolve("_report/stats.json").toFile());
      assertEquals(List.of(4L, 2L, 2L), List.of(first.get("records_read").asLong(),
          first.get("examples_exported").asLong(), first.get("records_rejected").asLong()),
          first.toString());
      JsonNode second = Json.MAPPER.readTree(
          clusterStream.resolve(windows.get(1)).resolve("_report/stats.json").toFile());
      assertEquals(List.of(3L, 2L, 1L), List.of(second.get("records_read").asLong(),
          second.get("examples_exported").asLong(), second.get("records_rejected").asLong()),
          second.toString());
    } finally {
      broker.stop();
    }
  }

  private Path streamPipeline(String bootstrap, String topic, String group, Path out)
      throws IOException {
    Path pipeline = work.resolve("stream-" + group + ".yaml");
    Files.writeString(pipeline, "name: stream\n"
        + "input:\n"
        + "  kafka:\n"
        + "    bootstrap_servers: " + bootstrap + "\n"
        + "    topics: [" + topic + "]\n"
        + "    group_id: stream-" + group + "\n"
        + "    window: 10s\n"
        + "output:\n"
        + "  dir: " + out + "\n"
        + "  formats: [jsonl, chatml]\n");
    return pipeline;
  }

  private static void awaitWindows(Path out, List<String> windows, String who)
      throws InterruptedException {
    long deadline = System.nanoTime() + JOB.plus(JOB).toNanos();
    while (!windows.stream().allMatch(w -> Files.exists(out.resolve(w).resolve("_SUCCESS")))) {
      assertTrue(System.nanoTime() < deadline, who + " committed not all of " + windows
          + " within " + JOB.plus(JOB));
      Thread.sleep(500);
    }
  }

  /** Cancels a job through the REST API and waits until it is CANCELED. */
  private void cancel(String jobId) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/jobs/" + jobId
                + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode(), response.body());
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String state = "";
    while (System.nanoTime() < deadline && !state.equals("CANCELED")) {
      Thread.sleep(250);
      state = rest("/jobs/" + jobId).get("state").asText();
    }
    assertEquals("CANCELED", state);
  }

  /**
   * The two outputs hold the same files, byte for byte, but for what differs by design: the
   * run's own fields in stats.json and manifest.json, combined.csv's row order (rows arrive in
   * the order the workers send them), Parquet (not byte-stable between runs), and the
   * directory's path in the trainer hand-off.
   */
  private static void assertSameOutput(Path expectedDir, Path actualDir) throws IOException {
    Map<String, String> expected = tree(expectedDir);
    assertEquals(expected.keySet(), tree(actualDir).keySet());
    List<String> skipped = new ArrayList<>();
    for (String path : expected.keySet()) {
      if (path.endsWith("/")) {
        continue;
      }
      Path want = expectedDir.resolve(path);
      Path got = actualDir.resolve(path);
      if (path.equals("_report/stats.json")) {
        assertEquals(withoutRunFields(want), withoutRunFields(got), path);
      } else if (path.equals("_report/manifest.json")) {
        assertEquals(manifestForComparison(want, expectedDir),
            manifestForComparison(got, actualDir), path);
      } else if (path.equals("csv/combined.csv")) {
        List<String> wantLines = Files.readAllLines(want);
        List<String> gotLines = Files.readAllLines(got);
        assertEquals(wantLines.get(0), gotLines.get(0), path + ": header");
        assertEquals(wantLines.stream().sorted().toList(), gotLines.stream().sorted().toList(),
            path);
      } else if (path.endsWith(".parquet")) {
        skipped.add(path);
      } else if (namesTheDirectory(path)) {
        String wantText = Files.readString(want);
        String gotText = Files.readString(got);
        assertTrue(gotText.contains(actualDir.toString()), path);
        assertEquals(wantText.replace(expectedDir.toString(), "DIR"),
            gotText.replace(actualDir.toString(), "DIR"), path);
      } else {
        assertEquals(Files.readString(want), Files.readString(got), path);
        assertEquals(expected.get(path), sha256(got), path);
      }
    }
    if (!skipped.isEmpty()) {
      log("not compared (Parquet is not byte-stable between runs): %s", skipped);
    }
  }

  /** manifest.json lists every file of the output but itself and _SUCCESS, at its size and hash. */
  private static void assertManifestListsEveryFile(Path dir) throws IOException {
    Map<String, String> present = new TreeMap<>();
    for (Map.Entry<String, String> entry : tree(dir).entrySet()) {
      String path = entry.getKey();
      if (!path.endsWith("/") && !path.equals("_SUCCESS")
          && !path.equals("_report/manifest.json")) {
        present.put(path, Files.size(dir.resolve(path)) + " " + entry.getValue());
      }
    }
    Map<String, String> listed = new TreeMap<>();
    JsonNode manifest = Json.MAPPER.readTree(dir.resolve("_report/manifest.json").toFile());
    for (JsonNode file : manifest.get("files")) {
      assertTrue(listed.put(file.get("path").asText(),
          file.get("bytes").asLong() + " " + file.get("sha256").asText()) == null, file.toString());
    }
    assertEquals(present, listed, dir.toString());
  }

  private static JsonNode withoutRunFields(Path stats) throws IOException {
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(stats.toFile());
    node.remove(List.of("duration_ms", "runner"));
    return node;
  }

  /**
   * manifest.json without the run's id, and without the size and hash of the files that differ
   * by design (stats.json, the hand-off; combined.csv's hash, as its rows come in any order):
   * {@link #assertManifestListsEveryFile} checks those against the files themselves.
   */
  private static JsonNode manifestForComparison(Path manifest, Path dir) throws IOException {
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(manifest.toFile());
    assertTrue(node.remove("run").asText().matches("\\d{14}-[0-9a-f]{8}"), node.toString());
    for (JsonNode file : (ArrayNode) node.get("files")) {
      String path = file.get("path").asText();
      if (path.equals("_report/stats.json") || namesTheDirectory(path)) {
        ((ObjectNode) file).remove(List.of("bytes", "sha256"));
      } else if (path.equals("csv/combined.csv")) {
        ((ObjectNode) file).remove("sha256");
      }
    }
    return node;
  }

  private static boolean namesTheDirectory(String path) {
    return NAME_THE_DIRECTORY.stream().anyMatch(path::startsWith);
  }

  /**
   * Every file and folder under {@code dir}, hidden ones included: relative path -> SHA-256
   * (folders end in '/' and map to "").
   */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.filter(path -> !path.equals(dir)).toList()) {
        String relative = dir.relativize(path).toString().replace('\\', '/');
        if (Files.isDirectory(path)) {
          tree.put(relative + "/", "");
        } else {
          tree.put(relative, sha256(path));
        }
      }
    }
    return tree;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /**
   * {@code copies} variants of every line of {@code samples}: objects get their id and output
   * suffixed (still unique, still passing the same checks), other lines are repeated as they are.
   */
  private static String variants(Path samples, int copies) throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> lines = Files.readAllLines(samples);
    for (int copy = 0; copy < copies; copy++) {
      for (String line : lines) {
        JsonNode record;
        try {
          record = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          record = null;
        }
        if (record instanceof ObjectNode object && object.path("id").isTextual()
            && object.path("output").isTextual()) {
          object.put("id", object.get("id").asText() + "-" + copy);
          object.put("output", object.get("output").asText() + " (variant " + copy + ")");
          text.append(Json.write(object));
        } else {
          text.append(line);
        }
        text.append('\n');
      }
    }
    return text.toString();
  }

  /** Waits for the run to stage its first files: the job is then writing the new output. */
  private static Path awaitStaging(Path out, Started launcher, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(out)) {
        try (Stream<Path> children = Files.list(out)) {
          Path staging = children.filter(child -> child.getFileName().toString()
              .startsWith(".staging-")).findFirst().orElse(null);
          if (staging != null) {
            return staging;
          }
        }
      }
      if (!launcher.process().isAlive()) {
        fail("the launcher exited " + launcher.process().exitValue()
            + " before the job staged anything: " + Files.readString(outputFile(launcher, ".err")));
      }
      Thread.sleep(20);
    }
    launcher.process().destroyForcibly();
    throw new AssertionError("nothing staged in " + out + " within " + timeout);
  }

  private JsonNode rest(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), path + ": " + response.body());
    return Json.MAPPER.readTree(response.body());
  }

  private static boolean alive(String process) {
    try {
      long pid = Long.parseLong(Files.readString(STATE.resolve(process + ".pid")).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** Runs {@code runners/flink-cluster.sh command} on the test's state dir and ports. */
  private static Run script(String command, Duration timeout) {
    try {
      ProcessBuilder builder = new ProcessBuilder("bash", "runners/flink-cluster.sh", command);
      builder.environment().put("FLINK_CLUSTER_DIR", STATE.toString());
      builder.environment().put("FLINK_START_TIMEOUT", "240");
      builder.environment().put("FLINK_EXTRA_CONFIG", CLUSTER_CONFIG);
      // The cluster stops by itself should this JVM be killed.
      builder.environment().put("FLINK_CLUSTER_OWNER",
          Long.toString(ProcessHandle.current().pid()));
      return waitFor(start("flink-cluster-" + command, builder), timeout);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("runners/flink-cluster.sh " + command, e);
    }
  }

  private static ProcessBuilder jar(String... args) {
    return java(List.of(), args);
  }

  /** The jar launching onto the cluster, with the JVM options runners/README gives for that. */
  private static ProcessBuilder launcher(String... args) {
    return java(LAUNCHER_JVM, args);
  }

  private static ProcessBuilder java(List<String> jvm, String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-Xmx1g"));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jarPath()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static String jarPath() {
    return Path.of(System.getProperty("trainset.jar", "target/trainset.jar")).toAbsolutePath()
        .toString();
  }

  /**
   * Starts a process with its output in files under {@link #LOGS} (a pipe nobody reads would
   * block it); a name used twice gets a new pair of files.
   */
  private static Started start(String name, ProcessBuilder builder) throws IOException {
    Files.createDirectories(LOGS);
    String unique = name;
    for (int n = 2; Files.exists(LOGS.resolve(unique + ".out")); n++) {
      unique = name + "-" + n;
    }
    Started started = new Started(unique, null);
    Process process = builder.redirectOutput(outputFile(started, ".out").toFile())
        .redirectError(outputFile(started, ".err").toFile()).start();
    return new Started(unique, process);
  }

  private static Path outputFile(Started started, String suffix) {
    return LOGS.resolve(started.name() + suffix);
  }

  private static Run waitFor(Started started, Duration timeout)
      throws IOException, InterruptedException {
    Process process = started.process();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(started.name() + " did not end within " + timeout + ": "
          + Files.readString(outputFile(started, ".err")));
    }
    long ended = System.currentTimeMillis();
    return new Run(process.exitValue(), Files.readString(outputFile(started, ".out")),
        Files.readString(outputFile(started, ".err")), ended);
  }

  private static void log(String format, Object... args) {
    System.out.printf("FlinkClusterIT: " + format + "%n", args);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
