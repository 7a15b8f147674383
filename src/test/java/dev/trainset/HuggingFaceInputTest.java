package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trainset's own {@code huggingface} output read back in as {@code input.format: huggingface}:
 * every record comes back with the split it was published in as {@code source_split}, so that
 * a published dataset can be filtered and split again.
 */
class HuggingFaceInputTest {
  @TempDir Path work;

  private void run(String yaml, Path out) throws IOException {
    Path pipeline = Files.writeString(work.resolve("p" + out.getFileName() + ".yaml"), yaml);
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit = Trainset.run(new String[] {"--pipeline=" + pipeline, "--outputDir=" + out,
            "--runner=DirectRunner"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, stderr.toString(StandardCharsets.UTF_8));
  }

  /** Every jsonl record under {@code out}, by id. */
  private static Map<String, JsonNode> jsonl(Path out) throws IOException {
    Map<String, JsonNode> byId = new TreeMap<>();
    try (Stream<Path> files = Files.list(out.resolve("jsonl"))) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode record = Json.MAPPER.readTree(line);
          byId.put(record.get("id").asText(), record);
        }
      }
    }
    return byId;
  }

  @Test
  void aPublishedDatasetFolderIsReadWithEachRecordsSplit() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      lines.append(String.format("{\"id\": \"r%02d\", \"instruction\": \"Question number %d?\","
          + " \"output\": \"The answer to question %d.\"}\n", i, i, i));
    }
    Path input = Files.writeString(work.resolve("in.jsonl"), lines.toString());
    Path published = work.resolve("published");
    run("name: publish\ninput: {paths: ['" + input + "']}\n"
        + "split: {ratios: {train: 0.5, validation: 0.25, test: 0.25}}\n"
        + "output: {formats: [jsonl, huggingface]}\n", published);

    Path again = work.resolve("again");
    run("name: again\ninput: {paths: ['" + published.resolve("huggingface")
        + "'], format: huggingface}\n"
        + "fields: {style: instruction, metadata: [source_split]}\n"
        + "split: {ratios: {train: 0.9, test: 0.1}, seed: 7}\n"
        + "output: {formats: [jsonl]}\n", again);

    Map<String, JsonNode> before = jsonl(published);
    Map<String, JsonNode> after = jsonl(again);
    assertEquals(12, before.size());
    assertEquals(before.keySet(), after.keySet());
    for (String id : before.keySet()) {
      JsonNode was = before.get(id);
      JsonNode is = after.get(id);
      assertEquals(List.of(was.get("instruction"), was.get("output"), was.get("split")),
          List.of(is.get("instruction"), is.get("output"), is.get("metadata").get("source_split")),
          id);
    }
  }
}
