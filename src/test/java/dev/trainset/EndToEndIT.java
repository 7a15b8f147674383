package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.trainset.model.Json;
import dev.trainset.model.Tokenizer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real jar on the quickstart, once on the default embedded Flink and once on the
 * DirectRunner, checks every promise of the output, and that both runners put the same records
 * in the same splits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {
  private static final List<String> FORMATS = List.of("jsonl", "chatml", "alpaca", "text");
  private static final List<String> SPLITS = List.of("train", "validation", "test");

  @TempDir static Path work;
  private Path flinkOut;
  private Path directOut;

  /** The jar's exit status and what it printed. */
  record Run(int exit, String out, String err) {}

  static Run trainset(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("trainset.jar", "target/trainset.jar");
    return java(List.of("-jar", jar), args);
  }

  /** Runs the jar's main class with the test classes on the classpath, as a user adds a format. */
  static Run trainsetWithTestClasses(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("trainset.jar", "target/trainset.jar");
    return java(List.of("-cp", jar + File.pathSeparator + "target/test-classes",
        "dev.trainset.Trainset"), args);
  }

  private static Run java(List<String> launch, String... args)
      throws IOException, InterruptedException {
    return java("java", launch, args);
  }

  private static Run java(String java, List<String> launch, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
    command.addAll(launch);
    command.addAll(List.of(args));
    File out = File.createTempFile("trainset-out", ".txt");
    File err = File.createTempFile("trainset-err", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("trainset did not finish in 5 minutes: " + command);
    }
    return new Run(process.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
  }

  @BeforeAll
  void runBothRunners() throws Exception {
    flinkOut = work.resolve("flink");
    directOut = work.resolve("direct");
    Run flink = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + flinkOut);
    assertEquals(0, flink.exit(), flink.err());
    assertTrue(flink.out().startsWith("trainset: quickstart: read 38, exported 29"), flink.out());
    Run direct = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + directOut,
        "--runner=DirectRunner");
    assertEquals(0, direct.exit(), direct.err());
  }

  @Test
  void statsAccountForEveryRecord() throws IOException {
    for (Path out : List.of(flinkOut, directOut)) {
      JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
      assertEquals(38, stats.get("records_read").asLong());
      assertEquals(29, stats.get("examples_exported").asLong());
      assertEquals(9, stats.get("records_rejected").asLong());
      assertEquals(stats.get("records_read").asLong(),
          stats.get("examples_exported").asLong() + stats.get("records_rejected").asLong());
      assertEquals(Json.MAPPER.readTree("{\"bad_timestamp\":1,\"bad_weight\":1,\"duplicate\":2,"
              + "\"empty_output\":1,\"low_score\":1,\"missing_field\":1,\"not_an_object\":1,"
              + "\"parse_error\":1}"),
          stats.get("rejected_by_reason"));
      Map<String, Long> reported = new TreeMap<>();
      stats.get("rejected_by_reason").fields()
          .forEachRemaining(entry -> reported.put(entry.getKey(), entry.getValue().asLong()));
      assertEquals(countReasons(out), reported);
      long splitSum = 0;
      for (String split : SPLITS) {
        splitSum += stats.get("splits").get(split).asLong();
      }
      assertEquals(29, splitSum);
      for (String format : FORMATS) {
        JsonNode entry = stats.get("formats").get(format);
        assertEquals(29, entry.get("records").asLong(), format);
        assertEquals(0, entry.get("invalid").asLong(), format);
        assertEquals(filesOf(out.resolve(format)).size(), entry.get("files").asLong(), format);
      }
      assertEquals(9, stats.get("errors").size());
    }
  }

  @Test
  void everyFileParsesAndTheSplitsAreDisjoint() throws IOException {
    for (Path out : List.of(flinkOut, directOut)) {
      Map<String, Set<String>> idsBySplit = jsonlIdsBySplit(out);
      Set<String> all = new HashSet<>();
      for (Set<String> ids : idsBySplit.values()) {
        for (String id : ids) {
          assertTrue(all.add(id), "id " + id + " is in two splits");
        }
      }
      assertEquals(29, all.size());
      for (String format : List.of("chatml", "alpaca", "text")) {
        long records = 0;
        for (Path file : filesOf(out.resolve(format))) {
          records += parse(format, file);
        }
        assertEquals(29, records, format);
      }
    }
  }

  @Test
  void bothRunnersWriteTheSameRecordsInTheSameSplits() throws IOException {
    for (String format : FORMATS) {
      assertEquals(recordsBySplit(directOut, format), recordsBySplit(flinkOut, format), format);
    }
    assertEquals(sortedLines(directOut.resolve("_rejected")), sortedLines(flinkOut.resolve("_rejected")));
  }

  @Test
  void bothRunnersWriteByteIdenticalFiles() throws IOException {
    List<String> folders = new ArrayList<>(FORMATS);
    folders.addAll(List.of("_rejected", "_validation"));
    for (String folder : folders) {
      Map<String, String> direct = contents(directOut, folder);
      assertEquals(direct, contents(flinkOut, folder), folder);
      assertTrue(folder.equals("_validation") || !direct.isEmpty(), folder);
    }
    assertEquals(Files.readString(directOut.resolve("_report/validation.json")),
        Files.readString(flinkOut.resolve("_report/validation.json")));
    // The report holds nothing of the run itself (runner, duration, path): the same page.
    assertEquals(Files.readString(directOut.resolve("_report/report.html")),
        Files.readString(flinkOut.resolve("_report/report.html")));
  }

  /**
   * JDK 25 with an ahead-of-time cache trained on one run (runners/README.md, "JDK 25: an
   * ahead-of-time cache"): the training run and the run from the cache write the files the default
   * JDK's run wrote. Skipped where no JDK 25 or later is installed.
   */
  @Test
  void aJdk25RunFromItsAheadOfTimeCacheWritesTheSameFiles() throws Exception {
    Path home = jdkAtLeast(25);
    Assumptions.assumeTrue(home != null, "no JDK 25 or later in $JDK25_HOME or /usr/lib/jvm");
    String java = home.resolve("bin/java").toString();
    String jar = System.getProperty("trainset.jar", "target/trainset.jar");
    Path cache = work.resolve("trainset.aot");
    Path training = work.resolve("jdk25-training");
    Path cached = work.resolve("jdk25-cached");
    Run train = java(java, List.of("-XX:AOTCacheOutput=" + cache, "-jar", jar),
        "--pipeline=pipelines/quickstart.yaml", "--outputDir=" + training);
    assertEquals(0, train.exit(), train.err());
    assertTrue(Files.size(cache) > 0, "no cache at " + cache);
    // AOTMode=on: the JVM refuses to start rather than run without the cache.
    Run run = java(java, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-jar", jar),
        "--pipeline=pipelines/quickstart.yaml", "--outputDir=" + cached);
    assertEquals(0, run.exit(), run.err());
    List<String> folders = new ArrayList<>(FORMATS);
    folders.add("_rejected");
    for (Path out : List.of(training, cached)) {
      for (String folder : folders) {
        assertEquals(contents(flinkOut, folder), contents(out, folder), out + ": " + folder);
      }
      for (String report : List.of("validation.json", "report.html")) {
        assertEquals(Files.readString(flinkOut.resolve("_report/" + report)),
            Files.readString(out.resolve("_report/" + report)), out + ": " + report);
      }
      assertTrue(Files.exists(out.resolve("_SUCCESS")), out + "/_SUCCESS");
    }
  }

  /** A JDK of at least {@code major}: $JDK25_HOME, else the newest under /usr/lib/jvm; or null. */
  private static Path jdkAtLeast(int major) throws IOException {
    List<Path> candidates = new ArrayList<>();
    String given = System.getenv("JDK25_HOME");
    if (given != null && !given.isEmpty()) {
      candidates.add(Path.of(given));
    }
    Path installed = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(installed)) {
      try (Stream<Path> homes = Files.list(installed)) {
        homes.sorted(Comparator.reverseOrder()).forEach(candidates::add);
      }
    }
    for (Path home : candidates) {
      Path release = home.resolve("release");
      if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
        continue;
      }
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String version = line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0];
          if (version.matches("\\d+") && Integer.parseInt(version) >= major) {
            return home;
          }
        }
      }
    }
    return null;
  }

  @Test
  void bothRunnersFinishTheRunInTheGraphWithAManifestAndSuccessLast() throws Exception {
    for (Path out : List.of(flinkOut, directOut)) {
      assertTrue(Files.exists(out.resolve("_SUCCESS")), out + "/_SUCCESS");
      JsonNode manifest = Json.MAPPER.readTree(out.resolve("_report/manifest.json").toFile());
      List<String> listed = new ArrayList<>();
      for (JsonNode file : manifest.get("files")) {
        String path = file.get("path").asText();
        listed.add(path);
        byte[] bytes = Files.readAllBytes(out.resolve(path));
        assertEquals(bytes.length, file.get("bytes").asLong(), path);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
            file.get("sha256").asText(), path);
      }
      List<String> present = new ArrayList<>();
      for (Path file : filesOf(out)) {
        present.add(out.relativize(file).toString());
      }
      present.removeAll(List.of("_SUCCESS", "_report/manifest.json"));
      assertEquals(present, listed);
      for (JsonNode file : manifest.get("files")) {
        if (file.get("path").asText().startsWith("jsonl/")) {
          assertEquals(Files.readAllLines(out.resolve(file.get("path").asText())).size(),
              file.get("records").asLong());
        }
      }
      try (Stream<Path> left = Files.list(out)) {
        assertEquals(List.of(), left.map(path -> path.getFileName().toString())
            .filter(name -> name.startsWith(".staging")).toList());
      }
    }
  }

  @Test
  void aDetachedLaunchNeedsAClusterAndOnCompleteNeedsAnAttachedOne() throws Exception {
    Path out = work.resolve("detached");
    Run embedded = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + out,
        "--attachedMode=false");
    assertEquals(2, embedded.exit(), embedded.err());
    assertTrue(embedded.err().contains("--attachedMode: value 'false' is not allowed"),
        embedded.err());
    Run onComplete = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + out,
        "--runner=FlinkRunner", "--flinkMaster=127.0.0.1:1", "--attachedMode=false",
        "--set=output.on_complete=[true]");
    assertEquals(2, onComplete.exit(), onComplete.err());
    assertTrue(onComplete.err().contains("output.on_complete: value '[true]' is not allowed"),
        onComplete.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void statsHaveTheStrataAndEachStratumHoldsItsRatios() throws IOException {
    JsonNode stats = Json.MAPPER.readTree(flinkOut.resolve("_report/stats.json").toFile());
    // Categories of the 29 exported: code 6, geography 6, math 7, science 5, writing 5; equal
    // remainders (validation and test at 0.1) are broken per stratum by the seed.
    assertEquals(Json.MAPPER.readTree("{\"code\":{\"train\":5,\"validation\":0,\"test\":1},"
            + "\"geography\":{\"train\":5,\"validation\":0,\"test\":1},"
            + "\"math\":{\"train\":5,\"validation\":1,\"test\":1},"
            + "\"science\":{\"train\":4,\"validation\":1,\"test\":0},"
            + "\"writing\":{\"train\":4,\"validation\":0,\"test\":1}}"),
        stats.get("strata"));
    JsonNode splits = Json.MAPPER.readTree(flinkOut.resolve("_report/validation.json").toFile())
        .get("splits");
    assertEquals(false, splits.get("leaks").asBoolean());
    assertTrue(splits.get("strata_max_off_by").asDouble() < 1, splits.toString());
    assertEquals(0, splits.get("content_in_two_splits").get("contents").asLong());
    assertEquals(stats.get("splits").get("train").asLong(),
        splits.get("ratios").get("train").get("examples").asLong());
  }

  @Test
  void aGroupNeverSpansTwoSplits() throws Exception {
    Path out = work.resolve("grouped");
    Run run = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + out,
        "--set=split.group_by=category", "--set=split.stratify_by=\"\"",
        "--set=split.ratios={train: 0.5, test: 0.5}");
    assertEquals(0, run.exit(), run.err());
    Map<String, Set<String>> splitsByGroup = new TreeMap<>();
    for (Path file : filesOf(out.resolve("jsonl"))) {
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        splitsByGroup.computeIfAbsent(record.get("metadata").get("category").asText(),
            source -> new HashSet<>()).add(record.get("split").asText());
      }
    }
    // Five categories of 5 to 7 examples: both splits get whole ones.
    assertEquals(5, splitsByGroup.size(), splitsByGroup.toString());
    splitsByGroup.forEach((group, splits) -> assertEquals(1, splits.size(), group + " " + splits));
    Set<String> used = new HashSet<>();
    splitsByGroup.values().forEach(used::addAll);
    assertEquals(Set.of("train", "test"), used);
    JsonNode groups = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile())
        .get("splits").get("groups_in_two_splits");
    assertTrue(groups.get("checked").asBoolean());
    assertEquals(0, groups.get("groups").asLong());
  }

  @Test
  void multiTurnChatsReachEveryChatFormat() throws Exception {
    Path out = work.resolve("chat");
    Run run = trainset("--pipeline=pipelines/chat.yaml", "--outputDir=" + out);
    assertEquals(0, run.exit(), run.err());
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(10, stats.get("records_read").asLong());
    assertEquals(8, stats.get("examples_exported").asLong());
    assertEquals(Json.MAPPER.readTree("{\"bad_field\":1,\"missing_field\":1}"),
        stats.get("rejected_by_reason"));
    // chat-001 has two exchanges: all four turns in chatml, the first pair as alpaca history.
    JsonNode chatml = null;
    for (Path file : filesOf(out.resolve("chatml"))) {
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        if (record.get("messages").get(1).get("content").asText().startsWith("My invoice")) {
          chatml = record;
        }
      }
    }
    assertEquals(Json.MAPPER.readTree("[{\"role\":\"system\",\"content\":\"You are a helpful"
        + " support agent for a web hosting company.\"},{\"role\":\"user\",\"content\":\"My"
        + " invoice shows two charges this month.\"},{\"role\":\"assistant\",\"content\":\"I can"
        + " see a renewal charge and a one-off domain transfer fee; both are listed under your"
        + " account's billing history.\"},{\"role\":\"user\",\"content\":\"Can the transfer fee"
        + " be refunded?\"},{\"role\":\"assistant\",\"content\":\"Transfer fees are refundable"
        + " within 14 days if the transfer did not complete. Yours completed, so it is not"
        + " refundable, but I can add a 10% credit to your next invoice.\"}]"),
        chatml.get("messages"));
    long alpacaRecords = 0;
    for (Path file : filesOf(out.resolve("alpaca"))) {
      alpacaRecords += Json.MAPPER.readTree(file.toFile()).size();
    }
    assertEquals(8, alpacaRecords);
  }

  @Test
  void nearDedupRunsOnTheEmbeddedRunnerAndNamesTheSurvivor() throws Exception {
    String answer = "Water boils at one hundred degrees Celsius at sea level, and at a lower"
        + " temperature higher up, because the air pressure there is lower and the";
    Path input = work.resolve("near.jsonl");
    Files.writeString(input, String.join("\n",
        "{\"id\": \"n1\", \"instruction\": \"When does water boil?\", \"output\": \"" + answer + " same.\"}",
        "{\"id\": \"n2\", \"instruction\": \"When does water boil?\", \"output\": \"" + answer + " weaker.\"}",
        "{\"id\": \"n3\", \"instruction\": \"WHEN does water boil?\", \"output\": \"" + answer + "  same.\"}",
        "{\"id\": \"n4\", \"instruction\": \"Name a prime.\", \"output\": \"Seven is a prime number.\"}"));
    Path out = work.resolve("near");
    Run run = trainset("--pipeline=pipelines/quickstart.yaml", "--input=" + input,
        "--outputDir=" + out, "--set=quality.dedup=near", "--set=quality.score_field=",
        "--set=quality.tiers={}", "--set=weights.freshness.field=");
    assertEquals(0, run.exit(), run.err());
    List<String> rejected = sortedLines(out.resolve("_rejected"));
    assertEquals(2, rejected.size(), rejected.toString());
    // Sorted lines: n2's rejection, then n3's.
    JsonNode near = Json.MAPPER.readTree(rejected.get(0));
    JsonNode copy = Json.MAPPER.readTree(rejected.get(1));
    assertEquals("n2", near.get("id").asText());
    assertEquals("near_duplicate", near.get("reason").asText());
    assertEquals("n3", copy.get("id").asText());
    assertEquals("duplicate", copy.get("reason").asText());
    // 31 words and the labels of instruction, (empty) input and output: 34 words, 32 shingles;
    // the last word changed: 31 of 33 shingles shared.
    assertEquals("near duplicate of n1 (" + input + ":1): similarity 0.939",
        near.get("detail").asText());
  }

  @Test
  void segmentsFaqPagesAndTranscriptsIntoExamples() throws Exception {
    Path out = work.resolve("faq");
    Run run = trainset("--pipeline=pipelines/faq.yaml", "--outputDir=" + out);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("trainset: faq: read 10, exported 15 (train 12, test 3),"
        + " rejected 5 (duplicate 1, no_assistant_turn 1, no_segments 1, output_too_short 1,"
        + " segment_incomplete 1)"), run.out());
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(10, stats.get("records_read").asLong());
    assertEquals(8, stats.get("documents_segmented").asLong());
    assertEquals(18, stats.get("examples_cut").asLong());
    assertEquals(15, stats.get("examples_exported").asLong());
    assertEquals(5, stats.get("records_rejected").asLong());
    // records_read - documents_segmented + examples_cut = examples_exported + records_rejected
    assertEquals(stats.get("records_read").asLong() - stats.get("documents_segmented").asLong()
            + stats.get("examples_cut").asLong(),
        stats.get("examples_exported").asLong() + stats.get("records_rejected").asLong());
    assertEquals("2026-01-01T00:00:00Z", stats.get("weights").get("freshness_reference").asText());
    // Normalized by their mean, the weights' mean is 1, to the last bit on every run (ExactMean).
    assertEquals(1.0, stats.get("weights").get("mean").asDouble());

    Set<String> rejected = new TreeSet<>();
    for (String line : sortedLines(out.resolve("_rejected"))) {
      JsonNode record = Json.MAPPER.readTree(line);
      rejected.add(record.get("id").asText() + " " + record.get("stage").asText() + " "
          + record.get("reason").asText());
    }
    assertEquals(Set.of("account-faq#3 segment segment_incomplete",
        "billing-faq#2 segment output_too_short", "release-notes segment no_segments",
        "shipping-faq-copy quality duplicate", "ticket-1003#0 segment no_assistant_turn"), rejected);

    // Every example has a weight; they average 1.0; the segments of a document share a split.
    Map<String, String> splitOfSource = new TreeMap<>();
    Set<String> ids = new TreeSet<>();
    double sum = 0;
    for (Path file : filesOf(out.resolve("jsonl"))) {
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        ids.add(record.get("id").asText());
        sum += record.get("weight").asDouble();
        String source = record.get("metadata").get("source_id").asText();
        assertEquals(record.get("id").asText(),
            source + "#" + record.get("metadata").get("segment_index").asInt());
        String split = splitOfSource.putIfAbsent(source, record.get("split").asText());
        assertTrue(split == null || split.equals(record.get("split").asText()), source);
      }
    }
    assertEquals(Set.of("account-faq#0", "account-faq#1", "account-faq#2", "billing-faq#0",
        "billing-faq#1", "billing-faq#3", "returns-faq#0", "returns-faq#1", "shipping-faq#0",
        "shipping-faq#1", "ticket-1001#0", "ticket-1002#0", "writing-tasks#0", "writing-tasks#1",
        "writing-tasks#2"), ids);
    assertEquals(15.0, sum, 1e-9);

    // The support transcript: a system line and three user and three assistant turns in chatml.
    JsonNode ticket = null;
    for (Path file : filesOf(out.resolve("chatml"))) {
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        assertTrue(record.get("weight").isNumber(), line);
        if (record.get("metadata").get("source_id").asText().equals("ticket-1001")) {
          ticket = record;
        }
      }
    }
    assertEquals(List.of("system", "user", "assistant", "user", "assistant", "user", "assistant"),
        ticket.get("messages").findValuesAsText("role"));
    assertEquals("Understood.\nCan you at least add a credit to my account?",
        ticket.get("messages").get(5).get("content").asText());
  }

  @Test
  void aConfigurationErrorExitsTwoBeforeReadingAnything() throws Exception {
    Run run = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + work.resolve("bad"),
        "--set=quality.min_charz=3");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("quality.min_charz: unknown key"), run.err());
    assertTrue(Files.notExists(work.resolve("bad")));
  }

  private static Map<String, Long> countReasons(Path out) throws IOException {
    Map<String, Long> reasons = new TreeMap<>();
    for (String line : sortedLines(out.resolve("_rejected"))) {
      JsonNode rejected = Json.MAPPER.readTree(line);
      reasons.merge(rejected.get("reason").asText(), 1L, Long::sum);
    }
    return reasons;
  }

  private static Map<String, Set<String>> jsonlIdsBySplit(Path out) throws IOException {
    Map<String, Set<String>> ids = new TreeMap<>();
    for (Path file : filesOf(out.resolve("jsonl"))) {
      String split = file.getFileName().toString().replaceAll("-\\d{5}-of-\\d{5}\\.jsonl$", "");
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        assertEquals(split, record.get("split").asText());
        ids.computeIfAbsent(split, s -> new HashSet<>()).add(record.get("id").asText());
      }
    }
    return ids;
  }

  /** Parses a file of {@code format} and returns how many records it holds. */
  private static long parse(String format, Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    switch (format) {
      case "alpaca":
        JsonNode array = Json.MAPPER.readTree(text);
        assertTrue(array.isArray(), file.toString());
        array.forEach(record -> {
          assertTrue(record.get("instruction").isTextual());
          assertTrue(record.get("output").isTextual());
        });
        return array.size();
      case "text":
        return text.isBlank() ? 0 : text.split("\n---\n").length;
      default:
        long count = 0;
        for (String line : text.split("\n")) {
          JsonNode record = Json.MAPPER.readTree(line);
          assertTrue(record.get("messages").isArray(), file.toString());
          count++;
        }
        return count;
    }
  }

  private static Map<String, List<String>> recordsBySplit(Path out, String format) throws IOException {
    Map<String, List<String>> bySplit = new TreeMap<>();
    for (Path file : filesOf(out.resolve(format))) {
      String split = file.getFileName().toString().replaceAll("-\\d{5}-of-\\d{5}\\..*$", "");
      String text = Files.readString(file);
      List<String> records = bySplit.computeIfAbsent(split, s -> new ArrayList<>());
      for (String record : text.split(format.equals("text") ? "\n---\n" : "\n")) {
        String trimmed = record.strip().replaceAll(",$", "");
        if (!trimmed.isEmpty() && !trimmed.equals("[") && !trimmed.equals("]")) {
          records.add(trimmed);
        }
      }
      records.sort(null);
    }
    return bySplit;
  }

  /**
   * Every file under {@code out/folder}: its path relative to {@code out} -> its text; none when
   * the run wrote nothing there (no invalid example: no {@code _validation}).
   */
  private static Map<String, String> contents(Path out, String folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (Files.notExists(out.resolve(folder))) {
      return files;
    }
    for (Path file : filesOf(out.resolve(folder))) {
      files.put(out.relativize(file).toString(), Files.readString(file));
    }
    return files;
  }

  private static List<String> sortedLines(Path folder) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path file : filesOf(folder)) {
      lines.addAll(Files.readAllLines(file));
    }
    lines.sort(null);
    return lines;
  }

  private static List<Path> filesOf(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void everyChatFormatIsReadBackWithoutProblemsAndHandedOffToTrainers() throws Exception {
    Path out = work.resolve("handoff");
    // on_complete runs after the publish: the folder it tests for must exist by then.
    Run run = trainset("--pipeline=pipelines/chat.yaml", "--outputDir=" + out,
        "--formats=chatml,alpaca,text,sharegpt,openai,anthropic",
        "--set=output.on_complete=[test, -d, " + out.resolve("openai") + "]");
    assertEquals(0, run.exit(), run.err());

    JsonNode validation = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile());
    for (String format : List.of("chatml", "alpaca", "text", "sharegpt", "openai", "anthropic")) {
      JsonNode found = validation.get("formats").get(format);
      assertEquals(true, found.get("checked").asBoolean(), format);
      assertEquals(8, found.get("records").asLong(), format);
      assertEquals(0, found.get("problems").asLong(), found.toString());
    }
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(Json.MAPPER.readTree("{\"argv\":[\"test\",\"-d\",\"" + out.resolve("openai")
        + "\"],\"exit_code\":0}"), stats.get("on_complete"));

    JsonNode metadata = Json.MAPPER.readTree(out.resolve("openai/metadata.json").toFile());
    assertEquals(8, metadata.get("examples").asLong());
    assertEquals(6, metadata.get("splits").get("train").get("examples").asLong());
    assertTrue(metadata.get("billed_tokens_per_epoch").asLong() > 0, metadata.toString());

    JsonNode datasetInfo =
        Json.MAPPER.readTree(out.resolve("_report/llama_factory/dataset_info.json").toFile());
    Set<String> handedOff = new HashSet<>();
    datasetInfo.forEach(entry -> handedOff.add(entry.get("file_name").asText()));
    Set<String> written = new HashSet<>();
    for (String format : List.of("chatml", "alpaca", "sharegpt", "openai")) {
      for (Path file : filesOf(out.resolve(format))) {
        if (!file.getFileName().toString().equals("metadata.json")) {
          written.add(file.toString());
        }
      }
      assertTrue(Files.readString(out.resolve("_report/axolotl/" + format + ".yaml"))
          .contains(out.resolve(format).toString()), format);
    }
    assertEquals(written, handedOff);

    // The same files, checked again from the command line.
    Run validate = trainset("validate", "--format=openai", out.resolve("openai").toString());
    assertEquals(0, validate.exit(), validate.out() + validate.err());
    // Both files are under OpenAI's 10-example minimum for a training file: warnings, exit 0.
    String tooFew = " examples: OpenAI refuses a training file with fewer than 10\n";
    assertEquals("warning: " + out.resolve("openai/test-00000-of-00001.jsonl") + ": 2" + tooFew
        + "warning: " + out.resolve("openai/train-00000-of-00001.jsonl") + ": 6" + tooFew
        + "trainset validate: openai: 2 files, 8 records, 0 problems, 2 warnings\n",
        validate.out());
  }

  @Test
  void aCustomFormatOnTheClasspathIsExportedAndAFailingOnCompleteExitsOne() throws Exception {
    Path out = work.resolve("custom");
    Run run = trainsetWithTestClasses("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + out, "--formats=prompt_completion,jsonl",
        "--set=output.on_complete=[false]");

    assertEquals(1, run.exit(), run.err());
    assertTrue(run.err().contains("on_complete [false] exited 1; the export is published in "),
        run.err());
    long records = 0;
    for (Path file : filesOf(out.resolve("prompt_completion"))) {
      for (String line : Files.readAllLines(file)) {
        JsonNode record = Json.MAPPER.readTree(line);
        assertEquals(List.of("prompt", "completion"), fieldNames(record));
        records++;
      }
    }
    assertEquals(29, records);
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(1, stats.get("on_complete").get("exit_code").asInt());
    assertEquals(29, stats.get("formats").get("prompt_completion").get("records").asLong());
    JsonNode validation = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile());
    assertEquals(Json.MAPPER.readTree("{\"checked\":false,\"reason\":\"trainset has no reader for"
        + " the format 'prompt_completion'\"}"), validation.get("formats").get("prompt_completion"));
    assertEquals(0, validation.get("formats").get("jsonl").get("problems").asLong());
  }

  @Test
  void tokensIndexEachSplitInTheJsonlOrderDecodeToTheTextAndPackWithoutLosingAnExample()
      throws Exception {
    Path out = work.resolve("tokens");
    Run run = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + out,
        "--formats=jsonl,tokens");
    assertEquals(0, run.exit(), run.err());

    Encoding cl100k = Tokenizer.CL100K_BASE.encoding();
    long examples = 0;
    for (String split : SPLITS) {
      // One file per split here; jsonl writes the split in the same order, so line i is index i.
      List<String> jsonl = Files.readAllLines(single(out.resolve("jsonl"), split));
      List<String> tokens = Files.readAllLines(single(out.resolve("tokens"), split));
      assertEquals(jsonl.size(), tokens.size(), split);
      for (int i = 0; i < tokens.size(); i++) {
        JsonNode record = Json.MAPPER.readTree(tokens.get(i));
        JsonNode example = Json.MAPPER.readTree(jsonl.get(i));
        assertEquals(List.of("index", "content"), fieldNames(record));
        assertEquals(i, record.get("index").asLong());
        IntArrayList ids = new IntArrayList();
        record.get("content").forEach(id -> ids.add(id.asInt()));
        String fullText = (example.has("system") ? example.get("system").asText() + "\n" : "")
            + example.get("instruction").asText() + "\n" + example.path("input").asText("")
            + "\n" + example.get("output").asText();
        assertEquals(fullText, cl100k.decode(ids), split + " " + i);
      }
      examples += tokens.size();
    }
    assertEquals(29, examples);
    JsonNode validation = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile());
    assertEquals(29, validation.get("formats").get("tokens").get("records").asLong());
    assertEquals(0, validation.get("formats").get("tokens").get("problems").asLong());

    Path packed = work.resolve("tokens-packed");
    Run packing = trainset("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + packed,
        "--formats=tokens", "--set=output.tokens.seq_len=64");
    assertEquals(0, packing.exit(), packing.err());
    JsonNode checked = Json.MAPPER.readTree(packed.resolve("_report/validation.json").toFile())
        .get("formats").get("tokens");
    // The read-back counts the examples that start in each sequence: all 29, none lost.
    assertEquals(29, checked.get("records").asLong(), checked.toString());
    assertEquals(0, checked.get("problems").asLong(), checked.toString());
    for (String line : Files.readAllLines(single(packed.resolve("tokens"), "train"))) {
      assertEquals(List.of("index", "content", "doc_details"),
          fieldNames(Json.MAPPER.readTree(line)));
    }
    Run validate = trainset("validate", "--format=tokens", "--set=output.tokens.seq_len=64",
        packed.resolve("tokens").toString());
    assertEquals("trainset validate: tokens: 3 files, 29 records, 0 problems, 0 warnings\n",
        validate.out(),
        validate.err());
  }

  /** The one file of {@code split} in {@code folder}. */
  private static Path single(Path folder, String split) throws IOException {
    List<Path> files = filesOf(folder).stream()
        .filter(file -> file.getFileName().toString().startsWith(split + "-")).toList();
    assertEquals(1, files.size(), files.toString());
    return files.get(0);
  }

  private static List<String> fieldNames(JsonNode record) {
    List<String> names = new ArrayList<>();
    record.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
