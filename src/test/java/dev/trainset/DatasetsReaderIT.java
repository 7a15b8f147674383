package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import dev.trainset.testing.OutsideReaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the jar once with every built-in format on the multi-turn support chats, then, in one
 * Python process ({@code runners/check/read-with-datasets.py}), loads each format's files with
 * HuggingFace {@code datasets.load_dataset} as a user would ({@code "json"} for JSON lines and
 * arrays, {@code "text"}, {@code "csv"}, {@code "parquet"}, the huggingface folder by its path) and
 * reads every trainer hand-off entry the way LLaMA-Factory's parser and converters and Axolotl's
 * dataset loader and chat_template strategy read it. {@code .ci/run} installs {@code datasets}
 * into {@code runners/check/.venv} from the machine's local package index; without it the test
 * is skipped with the reason printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetsReaderIT {
  private static final Path PYTHON = Path.of("runners/check/.venv/bin/python");
  private static final List<String> FORMATS = List.of("alpaca", "anthropic", "chatml", "csv",
      "huggingface", "jsonl", "openai", "parquet", "sharegpt", "text", "tokens");
  private static final String MESSAGES = "[{\"role\":\"string\",\"content\":\"string\"}]";

  @TempDir static Path work;
  private Path out;
  private JsonNode read;

  @BeforeAll
  void runAndRead() throws Exception {
    boolean installed = Files.isExecutable(PYTHON)
        && OutsideReaders.exitsZero(PYTHON.toString(), "-c", "import datasets, pyarrow, yaml");
    if (!installed) {
      System.out.println("DatasetsReaderIT: skipped: HuggingFace datasets not installed in "
          + PYTHON.getParent().getParent() + " (.ci/run installs it from the local package index)");
    }
    assumeTrue(installed, "HuggingFace datasets not installed");
    out = work.resolve("every-format");
    EndToEndIT.Run run = EndToEndIT.trainset(
        "--pipeline=src/test/resources/readers/every-format.yaml", "--outputDir=" + out);
    assertEquals(0, run.exit(), run.err());
    assertEquals("trainset: every-format: read 10, exported 8 (train 6, test 2), rejected 2"
        + " (bad_field 1, missing_field 1)", run.out().substring(0, run.out().indexOf(" in ")));
    read = OutsideReaders.json(Duration.ofMinutes(3), PYTHON.toString(),
        "runners/check/read-with-datasets.py", out.toString());
  }

  @Test
  void everyFormatLoadsWithItsSplitsFeaturesAndRecords() throws IOException {
    assertEquals(FORMATS, names(read.get("formats")));
    Map<String, String> features = new TreeMap<>();
    features.put("alpaca", "{\"test\":{\"instruction\":\"string\",\"output\":\"string\"},"
        + "\"train\":{\"instruction\":\"string\",\"output\":\"string\","
        + "\"history\":[[\"string\"]],\"system\":\"string\"}}");
    features.put("anthropic", "{\"test\":{\"messages\":" + MESSAGES + "},"
        + "\"train\":{\"messages\":" + MESSAGES + ",\"system\":\"string\"}}");
    String chatml = "{\"messages\":" + MESSAGES
        + ",\"weight\":\"float64\",\"metadata\":{\"topic\":\"string\"}}";
    features.put("chatml", "{\"test\":" + chatml + ",\"train\":" + chatml + "}");
    // pyarrow's CSV reader types a column it finds empty as a number.
    features.put("csv", "{\"test\":{\"id\":\"large_string\",\"split\":\"large_string\","
        + "\"weight\":\"float64\",\"system\":\"float64\",\"messages\":\"large_string\","
        + "\"metadata.topic\":\"large_string\"},"
        + "\"train\":{\"id\":\"large_string\",\"split\":\"large_string\",\"weight\":\"float64\","
        + "\"system\":\"large_string\",\"messages\":\"large_string\","
        + "\"metadata.topic\":\"large_string\"}}");
    String table = "{\"id\":\"string\",\"split\":\"string\",\"weight\":\"float64\","
        + "\"system\":\"string\",\"messages\":" + MESSAGES + ",\"metadata\":{\"topic\":\"string\"}}";
    features.put("huggingface", "{\"test\":" + table + ",\"train\":" + table + "}");
    features.put("parquet", "{\"test\":" + table + ",\"train\":" + table + "}");
    String jsonl = "{\"id\":\"string\",\"split\":\"string\",\"weight\":\"float64\",\"messages\":"
        + MESSAGES + ",\"metadata\":{\"topic\":\"string\"}";
    features.put("jsonl", "{\"test\":" + jsonl + "},\"train\":" + jsonl
        + ",\"system\":\"string\"}}");
    features.put("openai", "{\"test\":{\"messages\":" + MESSAGES + "},\"train\":{\"messages\":"
        + MESSAGES + "}}");
    String sharegpt = "\"conversations\":[{\"from\":\"string\",\"value\":\"string\"}]";
    features.put("sharegpt", "{\"test\":{" + sharegpt + "},\"train\":{" + sharegpt
        + ",\"system\":\"string\"}}");
    features.put("text", "{\"test\":{\"text\":\"string\"},\"train\":{\"text\":\"string\"}}");
    String tokens = "{\"index\":\"int64\",\"content\":[\"int64\"]}";
    features.put("tokens", "{\"test\":" + tokens + ",\"train\":" + tokens + "}");

    for (String format : FORMATS) {
      JsonNode splits = read.get("formats").get(format);
      ObjectNode found = Json.MAPPER.createObjectNode();
      splits.fields().forEachRemaining(split -> found.set(split.getKey(),
          split.getValue().get("features")));
      assertEquals(Json.MAPPER.readTree(features.get(format)), found, format);
      for (String split : List.of("train", "test")) {
        long rows = splits.get(split).get("rows").asLong();
        JsonNode first = splits.get(split).get("first");
        switch (format) {
          case "text" -> {
            List<String> lines = Files.readAllLines(single(format, split));
            assertEquals(lines.size(), rows, format + " " + split);
            assertEquals(lines.get(0), first.get("text").asText());
          }
          case "csv" -> {
            assertEquals(split.equals("train") ? 6 : 2, rows, format + " " + split);
            JsonNode record = firstJson("jsonl", split);
            assertEquals(record.get("id"), first.get("id"));
            assertEquals(record.get("metadata").get("topic"), first.get("metadata.topic"));
            assertEquals(record.get("messages"), Json.MAPPER.readTree(first.get("messages").asText()));
          }
          case "parquet", "huggingface" -> {
            assertEquals(split.equals("train") ? 6 : 2, rows, format + " " + split);
            // The same example, typed: what the JSON lines file says, and no system prompt.
            assertEquals(withoutNulls(firstJson("jsonl", split)), withoutNulls(first), format);
          }
          default -> {
            assertEquals(split.equals("train") ? 6 : 2, rows, format + " " + split);
            // What the file's first record says; datasets adds the file's other columns as null.
            assertEquals(firstJson(format, split), withoutNulls(first), format + " " + split);
          }
        }
      }
    }
    assertEquals("chat-002", read.get("formats").get("huggingface").get("train").get("first")
        .get("id").asText());
  }

  @Test
  void everyLlamaFactoryEntryReadsAsItsConvertersReadIt() throws IOException {
    JsonNode info = Json.MAPPER.readTree(
        out.resolve("_report/llama_factory/dataset_info.json").toFile());
    JsonNode checked = read.get("llama_factory");
    assertEquals(names(info), names(checked));
    assertEquals(8, info.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = checked.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      assertEquals("[]", entry.getValue().get("problems").toString(), entry.getKey());
      assertEquals(entry.getKey().endsWith("_train") ? 6 : 2,
          entry.getValue().get("records").asLong(), entry.getKey());
    }
    // Only the columns the file has: the test split's alpaca records have no system or history.
    assertEquals(Json.MAPPER.readTree("{\"prompt\":\"instruction\",\"response\":\"output\"}"),
        info.get("every-format_alpaca_test").get("columns"));
    assertEquals(Json.MAPPER.readTree("{\"prompt\":\"instruction\",\"response\":\"output\","
        + "\"system\":\"system\",\"history\":\"history\"}"),
        info.get("every-format_alpaca_train").get("columns"));
  }

  @Test
  void everyAxolotlSnippetLoadsAsItsDatasetLoaderReadsIt() {
    JsonNode checked = read.get("axolotl");
    assertEquals(List.of("alpaca", "chatml", "openai", "sharegpt"), names(checked));
    for (Iterator<Map.Entry<String, JsonNode>> it = checked.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode result = entry.getValue();
      assertEquals("[]", result.get("problems").toString(), entry.getKey());
      assertEquals(6, result.get("datasets").asLong(), entry.getKey());
      assertEquals(2, result.get("test_datasets").asLong(), entry.getKey());
      // Its comments say so exactly when records have no system prompt beside others that do.
      assertEquals(result.get("null_system_records").asLong() > 0,
          result.get("warned_null_system").asBoolean(), entry.getKey());
    }
    assertEquals(4, checked.get("sharegpt").get("null_system_records").asLong());
  }

  @Test
  void anOpenaiFileOfFewerThanTenExamplesIsAWarning() throws IOException {
    JsonNode openai = Json.MAPPER.readTree(out.resolve("_report/validation.json").toFile())
        .get("formats").get("openai");
    assertEquals(0, openai.get("problems").asLong());
    assertEquals(Json.MAPPER.readTree("[\"openai/test-00000-of-00001.jsonl: 2 examples: OpenAI"
        + " refuses a training file with fewer than 10\", \"openai/train-00000-of-00001.jsonl: 6"
        + " examples: OpenAI refuses a training file with fewer than 10\"]"), openai.get("warnings"));
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode withoutNulls(JsonNode record) {
    ObjectNode copy = record.deepCopy();
    List<String> nulls = new ArrayList<>();
    copy.fields().forEachRemaining(field -> {
      if (field.getValue().isNull()) {
        nulls.add(field.getKey());
      }
    });
    copy.remove(nulls);
    return copy;
  }

  /** The one file of {@code split} in the format's folder. */
  private Path single(String format, String split) throws IOException {
    try (Stream<Path> files = Files.list(out.resolve(format))) {
      List<Path> found = files.filter(file -> file.getFileName().toString().startsWith(split + "-"))
          .toList();
      assertEquals(1, found.size(), format + " " + split + ": " + found);
      return found.get(0);
    }
  }

  /** The first record of the split's one file: its first line, or the first of its array. */
  private JsonNode firstJson(String format, String split) throws IOException {
    Path file = single(format, split);
    if (file.toString().endsWith(".json")) {
      return Json.MAPPER.readTree(file.toFile()).get(0);
    }
    return Json.MAPPER.readTree(Files.readAllLines(file).get(0));
  }
}
