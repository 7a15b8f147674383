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
import java.util.List;
import java.util.stream.Stream;
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
    PipelineSpec spec = Fixtures.spec("name: demo\n"
        + "split: {ratios: {train: 1.0}}\n"
        + "output: {dir: " + out + ", formats: [openai, csv]}\n");
    OutputFolder folder = OutputFolder.of(out.toString(), "run1");
    Path staging = Path.of(folder.staging());
    write(staging.resolve("_tally/tally-00000-of-00001.jsonl"),
        "{\"key\":[\"records_read\"],\"count\":1}\n"
            + "{\"key\":[\"split\",\"train\"],\"count\":1}\n"
            + "{\"key\":[\"format\",\"openai\",\"records\"],\"count\":1}\n"
            + "{\"key\":[\"format\",\"csv\",\"records\"],\"count\":1}\n");
    write(staging.resolve("openai/train-00000-of-00001.jsonl"), OPENAI_LINE);
    write(staging.resolve("csv/train-00000-of-00001.csv"), "id,split\r\nx,train\r\n");

    FinishRun.Finished finished = FinishRun.finish(spec, folder,
        new FinishRun.Launch("DirectRunner", System.currentTimeMillis(), Instant.EPOCH));

    assertEquals("read 1, exported 1 (train 1), rejected 0", finished.summary());
    assertEquals(0, finished.problems());
    assertEquals(out.toString(), finished.directory());
    assertEquals(List.of(
            "_report/axolotl/openai.yaml",
            "_report/llama_factory/dataset_info.json",
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
