package dev.trainset.finish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Json;
import dev.trainset.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finishing a run over a hand-made staging folder, as the pipeline leaves it: the tally and the
 * split files in, the reports and side files beside them out, all published.
 */
class FinishRunTest {
  @TempDir Path work;

  private static final String OPENAI_LINE = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
      + "{\"role\":\"assistant\",\"content\":\"Hello\"}]}\n";

  @Test
  void writesTheReportsAndSideFilesThenPublishes() throws IOException {
    Path out = work.resolve("out");
    PipelineSpec spec = spec(out, "openai, csv");
    OutputFolder folder = OutputFolder.of(out.toString(), "run1");
    Path staging = Path.of(folder.staging());
    write(staging.resolve("_tally/tally-00000-of-00001.jsonl"), tally(1, "openai", "csv"));
    write(staging.resolve("openai/train-00000-of-00001.jsonl"), OPENAI_LINE);
    write(staging.resolve("csv/train-00000-of-00001.csv"), "id,split\r\nx,train\r\n");

    FinishRun.Finished finished = FinishRun.finish(spec, folder,
        new FinishRun.Launch("DirectRunner", System.currentTimeMillis(), Instant.EPOCH));

    assertEquals("read 1, exported 1 (train 1), rejected 0", finished.summary());
    assertEquals(0, finished.problems());
    assertEquals(out.toString(), finished.directory());
    assertEquals(List.of(
            "_SUCCESS",
            "_report/axolotl/openai.yaml",
            "_report/llama_factory/dataset_info.json",
            "_report/manifest.json",
            "_report/report.html",
            "_report/stats.json",
            "_report/validation.json",
            "csv/data_dictionary.md",
            "csv/train-00000-of-00001.csv",
            "openai/metadata.json",
            "openai/train-00000-of-00001.jsonl"),
        filesUnder(out));
    JsonNode validation = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile());
    assertEquals(1, validation.get("formats").get("openai").get("records").asLong());
    assertEquals(false, validation.get("formats").get("csv").get("checked").asBoolean());
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    assertEquals(Json.MAPPER.readTree(finished.statsJson()), stats);
    assertEquals("DirectRunner", stats.get("runner").asText());
    assertEquals(1, Json.MAPPER.readTree(out.resolve("openai/metadata.json").toFile())
        .get("examples").asLong());
    assertTrue(Files.readString(out.resolve("_report/axolotl/openai.yaml"))
        .contains(out.resolve("openai/train-00000-of-00001.jsonl").toString()));
  }

  @Test
  void theManifestListsEveryPublishedFileWithItsSizeRecordsAndHash() throws Exception {
    Path out = work.resolve("manifest");
    PipelineSpec spec = spec(out, "openai");
    OutputFolder folder = OutputFolder.of(out.toString(), "run2");
    Path staging = Path.of(folder.staging());
    write(staging.resolve("_tally/tally-00000-of-00001.jsonl"), tally(2, "openai"));
    write(staging.resolve("openai/train-00000-of-00001.jsonl"), OPENAI_LINE + OPENAI_LINE);
    write(staging.resolve("_rejected/rejected-00000-of-00001.jsonl"), "{\"id\":\"a\"}\n");

    FinishRun.finish(spec, folder,
        new FinishRun.Launch("DirectRunner", System.currentTimeMillis(), Instant.EPOCH));

    JsonNode manifest = Json.MAPPER.readTree(out.resolve("_report/manifest.json").toFile());
    assertEquals("run2", manifest.get("run").asText());
    List<String> listed = new java.util.ArrayList<>();
    for (JsonNode file : manifest.get("files")) {
      String path = file.get("path").asText();
      listed.add(path);
      byte[] bytes = Files.readAllBytes(out.resolve(path));
      assertEquals(bytes.length, file.get("bytes").asLong(), path);
      assertEquals(java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(bytes)),
          file.get("sha256").asText(), path);
    }
    List<String> expected = new java.util.ArrayList<>(filesUnder(out));
    expected.removeAll(List.of("_SUCCESS", "_report/manifest.json"));
    assertEquals(expected, listed);
    assertEquals(2, recordsOf(manifest, "openai/train-00000-of-00001.jsonl").asLong());
    assertEquals(1, recordsOf(manifest, "_rejected/rejected-00000-of-00001.jsonl").asLong());
    assertTrue(recordsOf(manifest, "_report/stats.json").isNull());
  }

  @Test
  void publishingReplacesTheOldRunAndRemovesWhatAKilledRunLeft() throws Exception {
    Path out = work.resolve("republish");
    PipelineSpec spec = spec(out, "openai");
    // The previous run: a file this run does not write, and a killed run's staging folder.
    write(out.resolve("openai/old-00000-of-00001.jsonl"), OPENAI_LINE);
    write(out.resolve("_SUCCESS"), "");
    write(out.resolve(".staging-run0/openai/train-00000-of-00001.jsonl"), OPENAI_LINE);
    OutputFolder folder = OutputFolder.of(out.toString(), "run3");
    Path staging = Path.of(folder.staging());
    write(staging.resolve("_tally/tally-00000-of-00001.jsonl"), tally(1, "openai"));
    write(staging.resolve("openai/train-00000-of-00001.jsonl"), OPENAI_LINE);

    FinishRun.finish(spec, folder,
        new FinishRun.Launch("DirectRunner", System.currentTimeMillis(), Instant.EPOCH));

    assertEquals(List.of(
            "_SUCCESS",
            "_report/axolotl/openai.yaml",
            "_report/llama_factory/dataset_info.json",
            "_report/manifest.json",
            "_report/report.html",
            "_report/stats.json",
            "_report/validation.json",
            "openai/metadata.json",
            "openai/train-00000-of-00001.jsonl"),
        filesUnder(out));
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".staging"))
          .toList());
    }
  }

  /** The spec of a run of {@code formats} into {@code out}, all in one split. */
  private static PipelineSpec spec(Path out, String formats) {
    return Fixtures.spec("name: demo\n"
        + "split: {ratios: {train: 1.0}}\n"
        + "output: {dir: " + out + ", formats: [" + formats + "]}\n");
  }

  /** Tally lines of a run that read and exported {@code records}, written in {@code formats}. */
  private static String tally(long records, String... formats) {
    StringBuilder lines = new StringBuilder()
        .append("{\"key\":[\"records_read\"],\"count\":").append(records).append("}\n")
        .append("{\"key\":[\"split\",\"train\"],\"count\":").append(records).append("}\n");
    for (String format : formats) {
      lines.append("{\"key\":[\"format\",\"").append(format).append("\",\"records\"],\"count\":")
          .append(records).append("}\n");
    }
    return lines.toString();
  }

  private static JsonNode recordsOf(JsonNode manifest, String path) {
    for (JsonNode file : manifest.get("files")) {
      if (file.get("path").asText().equals(path)) {
        return file.get("records");
      }
    }
    throw new AssertionError(path + " is not in the manifest");
  }

  @Test
  void aWindowCommittedBeforeARestartStaysAsItWasWhenTheRestoredRunAddsNothing() throws Exception {
    Path window = work.resolve("restart/window=2026-01-01T00-00-00Z");
    PipelineSpec spec = spec(work.resolve("restart"), "openai");
    List<FileFacts> firstFacts = commitFirstRun(spec, window);
    Map<String, String> committed = textsUnder(window);

    // Restored from a checkpoint taken after run1 wrote its rejected file, before it finished
    // the window: run2 writes the data file again and holds the fact of run1's rejected file.
    OutputFolder second = OutputFolder.of(window.toString(), "run2");
    stage(second, 1);
    List<FileFacts> restored = new ArrayList<>(stagedFacts(spec, second));
    restored.add(factOf(firstFacts, REJECTED));

    assertEquals(Optional.empty(), FinishRun.finishWindow(spec, second, launch(), restored));
    assertEquals(committed, textsUnder(window));
  }

  @Test
  void aRestoredRunWithNewRecordsPublishesTheWindowAgainWithTheEarlierRunsFiles()
      throws Exception {
    Path window = work.resolve("again/window=2026-01-01T00-00-00Z");
    PipelineSpec spec = spec(work.resolve("again"), "openai");
    List<FileFacts> firstFacts = commitFirstRun(spec, window);

    OutputFolder second = OutputFolder.of(window.toString(), "run2");
    stage(second, 2);
    List<FileFacts> restored = new ArrayList<>(stagedFacts(spec, second));
    restored.add(factOf(firstFacts, REJECTED));
    // The restored fact's tally file is gone: the counts come from the facts, not the file.
    Files.delete(Path.of(second.staging()).resolve("_tally/tally-00000-of-00001.jsonl"));

    FinishRun.Finished finished =
        FinishRun.finishWindow(spec, second, launch(), restored).orElseThrow();

    assertEquals("{\"id\":\"a\"}\n", Files.readString(window.resolve(REJECTED)));
    assertEquals(OPENAI_LINE + OPENAI_LINE,
        Files.readString(window.resolve("openai/train-00000-of-00001.jsonl")));
    JsonNode manifest = Json.MAPPER.readTree(window.resolve("_report/manifest.json").toFile());
    assertEquals("run2", manifest.get("run").asText());
    assertEquals(1, recordsOf(manifest, REJECTED).asLong());
    assertEquals(2, Json.MAPPER.readTree(finished.statsJson()).get("examples_exported").asLong());
    assertTrue(Files.exists(window.resolve("_SUCCESS")));
    assertEquals(List.of(), filesUnder(window).stream().filter(p -> p.startsWith(".")).toList());
  }

  private static final String REJECTED = "_rejected/rejected-00000-of-00001.jsonl";

  /** Stages {@code records} openai lines and their tally in {@code folder}. */
  private static void stage(OutputFolder folder, int records) throws IOException {
    Path staging = Path.of(folder.staging());
    write(staging.resolve("_tally/tally-00000-of-00001.jsonl"), tally(records, "openai"));
    write(staging.resolve("openai/train-00000-of-00001.jsonl"), OPENAI_LINE.repeat(records));
  }

  /** run1 stages one record and one rejection in {@code window} and commits it; its facts. */
  private static List<FileFacts> commitFirstRun(PipelineSpec spec, Path window)
      throws IOException {
    OutputFolder first = OutputFolder.of(window.toString(), "run1");
    stage(first, 1);
    write(Path.of(first.staging()).resolve(REJECTED), "{\"id\":\"a\"}\n");
    List<FileFacts> facts = stagedFacts(spec, first);
    assertTrue(FinishRun.finishWindow(spec, first, launch(), facts).isPresent());
    return facts;
  }

  private static FinishRun.Launch launch() {
    return new FinishRun.Launch("FlinkRunner", System.currentTimeMillis(), Instant.EPOCH);
  }

  /** The facts of every file staged in {@code folder}, as the graph's read-back gives them. */
  private static List<FileFacts> stagedFacts(PipelineSpec spec, OutputFolder folder)
      throws IOException {
    List<FileFacts> facts = new ArrayList<>();
    for (MatchResult.Metadata file : folder.stagedFiles()) {
      facts.add(ReadBackFn.read(spec.output(), folder.staging(), file.resourceId().toString()));
    }
    return facts;
  }

  private static FileFacts factOf(List<FileFacts> facts, String path) {
    return facts.stream().filter(file -> file.path().equals(path)).findFirst().orElseThrow();
  }

  /** Every file under {@code root} and its text. */
  private static Map<String, String> textsUnder(Path root) throws IOException {
    Map<String, String> texts = new TreeMap<>();
    for (String path : filesUnder(root)) {
      texts.put(path, Files.readString(root.resolve(path)));
    }
    return texts;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** Every file under {@code root}, relative and sorted; no staging folder may be left. */
  private static List<String> filesUnder(Path root) throws IOException {
    try (Stream<Path> tree = Files.walk(root)) {
      return tree.filter(Files::isRegularFile).map(path -> root.relativize(path).toString())
          .sorted().toList();
    }
  }
}
