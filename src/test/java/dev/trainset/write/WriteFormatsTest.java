package dev.trainset.write;

import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.ExampleTable;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Grain;
import dev.trainset.model.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteFormatsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private static final Example INSTRUCTION =
      Example.instruction("i1", null, "Add 2 and 3.", "", "5").withSplit("train").withWeight(2.0)
          .withMetadata(Map.of("topic", TextNode.valueOf("math")));
  private static final Example CHAT =
      Example.chat("c1", "Be brief.", List.of(Message.user("Hi"), Message.assistant("Hello")))
          .withSplit("test");
  private static final Example TEXT = Example.text("t1", "Once upon a time.").withSplit("train");

  private PCollectionTuple write(PipelineSpec spec, Example... examples) {
    PCollectionTuple out = pipeline
        .apply(Create.of(List.of(examples)).withCoder(ExampleCoder.of()))
        .apply(WriteFormats.to(spec.output(), folder.getRoot().getPath()));
    return writeValidation(out, folder.getRoot().getPath());
  }

  /** Writes the validation lines into {@code directory} as the run does, beside the formats. */
  private static PCollectionTuple writeValidation(PCollectionTuple out, String directory) {
    out.get(WriteFormats.VALIDATION)
        .apply("ValidationLines", WriteFormats.validationLines())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("WriteValidation", JsonLines.to(directory));
    return out;
  }

  /**
   * Every file under the folder, by path relative to it, with the records of all shards of one
   * destination gathered (shard names vary by runner: the prefix before "-SSSSS-of" is the key).
   */
  private Map<String, List<String>> records(String separatorRegex) throws IOException {
    Map<String, List<String>> byPrefix = new TreeMap<>();
    Path root = folder.getRoot().toPath();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String relative = root.relativize(file).toString();
        String key = relative.replaceAll("-\\d{5}-of-\\d{5}", "");
        String text = read(file);
        List<String> records = byPrefix.computeIfAbsent(key, k -> new ArrayList<>());
        for (String record : text.split(separatorRegex)) {
          if (!record.isBlank()) {
            records.add(record.strip());
          }
        }
        records.sort(null);
      }
    }
    return byPrefix;
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      InputStream plain = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
      return new String(plain.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  public void unboundedInputIsWrittenWindowByWindowEachIntoItsOwnFolder() throws IOException {
    PipelineSpec spec = spec("output: {formats: [jsonl, chatml]}");
    Instant start = new Instant(0);
    TestStream<Example> stream = TestStream.create(ExampleCoder.of())
        .addElements(TimestampedValue.of(INSTRUCTION, start.plus(Duration.standardSeconds(1))),
            TimestampedValue.of(TEXT, start.plus(Duration.standardSeconds(2))))
        .addElements(TimestampedValue.of(CHAT, start.plus(Duration.standardSeconds(61))))
        .advanceWatermarkToInfinity();

    String staging = folder.getRoot().getPath() + "/.staging-r";
    writeValidation(pipeline
        .apply(stream)
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
        .apply(WriteFormats.to(spec.output(), staging)), staging);
    pipeline.run();

    // Each window's files in its own folder, before the staging folder the run publishes from.
    String first = "window=1970-01-01T00-00-00Z/.staging-r/";
    String second = "window=1970-01-01T00-01-00Z/.staging-r/";
    Map<String, List<String>> files = records("\n");
    assertEquals(Map.of(
        first + "jsonl/train.jsonl", List.of(
            "{\"id\":\"i1\",\"split\":\"train\",\"weight\":2.0,\"instruction\":\"Add 2 and 3.\","
                + "\"input\":\"\",\"output\":\"5\",\"metadata\":{\"topic\":\"math\"}}",
            "{\"id\":\"t1\",\"split\":\"train\",\"weight\":1.0,\"text\":\"Once upon a time.\","
                + "\"metadata\":{}}"),
        second + "jsonl/test.jsonl", List.of(
            "{\"id\":\"c1\",\"split\":\"test\",\"weight\":1.0,\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"}],\"metadata\":{}}"),
        first + "chatml/train.jsonl", List.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Add 2 and 3.\"},"
                + "{\"role\":\"assistant\",\"content\":\"5\"}],\"weight\":2.0,"
                + "\"metadata\":{\"topic\":\"math\"}}"),
        second + "chatml/test.jsonl", List.of(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}],"
                + "\"weight\":1.0,\"metadata\":{}}"),
        first + "_validation/chatml.jsonl", List.of(
            "{\"id\":\"t1\",\"format\":\"chatml\",\"split\":\"train\","
                + "\"reason\":\"a text example has no user or assistant turn\"}")),
        files);
  }

  @Test
  public void writesEachFormatInItsFolderAndSendsWhatItCannotHoldToValidation() throws IOException {
    PipelineSpec spec = spec("output: {formats: [jsonl, chatml]}");

    PCollectionTuple out = write(spec, INSTRUCTION, CHAT, TEXT);

    PAssert.that(out.get(WriteFormats.VALIDATION))
        .containsInAnyOrder(KV.of("chatml", "{\"id\":\"t1\",\"format\":\"chatml\",\"split\":\"train\","
            + "\"reason\":\"a text example has no user or assistant turn\"}"));
    PAssert.that(out.get(WriteFormats.WRITTEN))
        .containsInAnyOrder(KV.of("jsonl", "train"), KV.of("jsonl", "test"), KV.of("jsonl", "train"),
            KV.of("chatml", "train"), KV.of("chatml", "test"));
    pipeline.run();

    Map<String, List<String>> files = records("\n");
    assertEquals(Map.of(
        "jsonl/train.jsonl", List.of(
            "{\"id\":\"i1\",\"split\":\"train\",\"weight\":2.0,\"instruction\":\"Add 2 and 3.\","
                + "\"input\":\"\",\"output\":\"5\",\"metadata\":{\"topic\":\"math\"}}",
            "{\"id\":\"t1\",\"split\":\"train\",\"weight\":1.0,\"text\":\"Once upon a time.\","
                + "\"metadata\":{}}"),
        "jsonl/test.jsonl", List.of(
            "{\"id\":\"c1\",\"split\":\"test\",\"weight\":1.0,\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"}],\"metadata\":{}}"),
        "chatml/train.jsonl", List.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Add 2 and 3.\"},"
                + "{\"role\":\"assistant\",\"content\":\"5\"}],\"weight\":2.0,"
                + "\"metadata\":{\"topic\":\"math\"}}"),
        "chatml/test.jsonl", List.of(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}],"
                + "\"weight\":1.0,\"metadata\":{}}"),
        "_validation/chatml.jsonl", List.of(
            "{\"id\":\"t1\",\"format\":\"chatml\",\"split\":\"train\","
                + "\"reason\":\"a text example has no user or assistant turn\"}")),
        files);
  }

  @Test
  public void alpacaFilesAreJsonArraysAndGzipCompresses() throws IOException {
    PipelineSpec spec = spec("output: {formats: [alpaca], compression: gzip}");

    write(spec, INSTRUCTION);
    pipeline.run();

    Map<String, List<String>> files = records("\n");
    assertEquals(Map.of("alpaca/train.json.gz",
        List.of("[", "]", "{\"instruction\":\"Add 2 and 3.\",\"output\":\"5\"}")), files);
  }

  @Test
  public void partitionsIntoHiveFoldersThatNeverLeaveTheOutput() throws IOException {
    PipelineSpec spec = spec("output: {formats: [jsonl], partition_by: [topic],"
        + " jsonl: {include_metadata: false}}");
    Example escaping = Example.text("t2", "Sneaky.").withSplit("train")
        .withMetadata(Map.of("topic", TextNode.valueOf("../../etc/a b")));

    write(spec, INSTRUCTION, TEXT, escaping);
    pipeline.run();

    Map<String, List<String>> files = records("\n");
    assertEquals(Map.of(
        "jsonl/topic=math/train.jsonl", List.of("{\"id\":\"i1\",\"split\":\"train\",\"weight\":2.0,"
            + "\"instruction\":\"Add 2 and 3.\",\"input\":\"\",\"output\":\"5\"}"),
        "jsonl/topic=__HIVE_DEFAULT_PARTITION__/train.jsonl", List.of("{\"id\":\"t1\","
            + "\"split\":\"train\",\"weight\":1.0,\"text\":\"Once upon a time.\"}"),
        "jsonl/topic=%2E%2E%2F%2E%2E%2Fetc%2Fa%20b/train.jsonl", List.of("{\"id\":\"t2\","
            + "\"split\":\"train\",\"weight\":1.0,\"text\":\"Sneaky.\"}")),
        files);
  }

  /** Every file under {@code root}: relative path -> its text. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), read(file));
      }
    }
    return files;
  }

  @Test
  public void capsRecordsPerFileAndWritesTheSameBytesWhateverTheInputOrder() throws IOException {
    PipelineSpec spec = spec("output: {formats: [jsonl, alpaca], max_records_per_file: 2,"
        + " jsonl: {include_metadata: false}}");
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      examples.add(Example.instruction("e" + i, null, "Say " + i + ".", "", "" + i).withSplit("train"));
    }
    List<Example> reversed = new ArrayList<>(examples);
    java.util.Collections.reverse(reversed);
    String a = folder.getRoot().getPath() + "/a";
    String b = folder.getRoot().getPath() + "/b";
    pipeline.apply("Forward", Create.of(examples).withCoder(ExampleCoder.of()))
        .apply("WriteA", WriteFormats.to(spec.output(), a));
    pipeline.apply("Reversed", Create.of(reversed).withCoder(ExampleCoder.of()))
        .apply("WriteB", WriteFormats.to(spec.output(), b));
    pipeline.run();

    Map<String, String> filesA = tree(Path.of(a));
    assertEquals(filesA, tree(Path.of(b)));
    // Seven records, at most two a file, numbered 00000..N-1 of N; every id once; each file in
    // order of the hash of its ids.
    List<String> jsonl = filesA.keySet().stream().filter(name -> name.startsWith("jsonl/")).toList();
    int n = jsonl.size();
    assertTrue(jsonl.toString(), n >= 4);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = String.format("jsonl/train-%05d-of-%05d.jsonl", i, n);
      String text = filesA.get(name);
      assertTrue(name + " in " + jsonl, text != null);
      List<String> keys = new ArrayList<>();
      for (String line : text.split("\n")) {
        String id = dev.trainset.model.Json.MAPPER.readTree(line).get("id").asText();
        ids.add(id);
        keys.add(dev.trainset.model.Hashes.sha256Hex(id, 16) + ":" + id);
      }
      assertTrue(name, keys.size() <= 2);
      assertEquals(keys.stream().sorted().toList(), keys);
    }
    ids.sort(null);
    assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6"), ids);
    // Alpaca files are whole JSON arrays under the same cap.
    long alpacaRecords = 0;
    for (Map.Entry<String, String> file : filesA.entrySet()) {
      if (file.getKey().startsWith("alpaca/")) {
        int size = dev.trainset.model.Json.MAPPER.readTree(file.getValue()).size();
        assertTrue(file.getKey(), size >= 1 && size <= 2);
        alpacaRecords += size;
      }
    }
    assertEquals(7, alpacaRecords);
  }

  @Test
  public void writesTheSameFilesAtEitherGrain() throws IOException {
    PipelineSpec spec = spec("fields: {metadata: [topic]}\n"
        + "output: {formats: [jsonl, alpaca, parquet, tokens],"
        + " max_records_per_file: 2, partition_by: [topic]}");
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      examples.add(Example.instruction("e" + i, null, "Say " + i + ".", "", "" + i)
          .withSplit(i % 3 == 0 ? "test" : "train")
          .withMetadata(Map.of("topic", TextNode.valueOf(i % 2 == 0 ? "even" : "odd"))));
    }
    Map<Grain, Path> roots = new TreeMap<>();
    for (Grain grain : Grain.values()) {
      roots.put(grain, folder.getRoot().toPath().resolve(grain.name()));
      pipeline.apply("Examples" + grain, Create.of(examples).withCoder(ExampleCoder.of()))
          .apply("Write" + grain, WriteFormats.to(spec.output(), roots.get(grain).toString())
              .withTable(ExampleTable.of(spec.fields(), spec.quality()))
              .withGrain(grain));
    }
    pipeline.run();

    Map<String, String> fine = bytes(roots.get(Grain.FINE));
    // Train holds three examples of each topic: two files of at most two, from two shards.
    assertTrue(fine.keySet().toString(),
        fine.containsKey("jsonl/topic=odd/train-00001-of-00002.jsonl"));
    assertTrue(fine.keySet().toString(),
        fine.keySet().stream().anyMatch(name -> name.startsWith("parquet/")));
    assertEquals(fine, bytes(roots.get(Grain.COARSE)));
  }

  /** Every file under {@code root}, its bytes in hex, by its path under the root. */
  private static Map<String, String> bytes(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(),
            java.util.HexFormat.of().formatHex(Files.readAllBytes(file)));
      }
    }
    return files;
  }

  @Test
  public void aLongPartitionValueKeepsItsStartAndAHashOfTheWhole() {
    String value = "\u6570".repeat(100);
    String folder = WriteFormats.partitionValue(value);
    assertTrue(folder, folder.length() <= WriteFormats.MAX_PARTITION_CHARS);
    assertTrue(folder, folder.startsWith("%E6%95%B0%E6%95%B0"));
    assertTrue(folder, folder.endsWith("~" + dev.trainset.model.Hashes.sha256Hex(value, 16)));
    assertNotEquals(folder, WriteFormats.partitionValue("\u6570".repeat(101)));
    assertEquals("math", WriteFormats.partitionValue("math"));
  }

  @Test
  public void aCustomFormatOnTheClasspathIsWrittenLikeABuiltInOne() throws IOException {
    // dev.trainset.testing.PromptCompletionFormat, listed in src/test/resources/META-INF/services.
    PipelineSpec spec = spec("output: {formats: [prompt_completion]}");

    PCollectionTuple out = write(spec, INSTRUCTION, CHAT);

    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(KV.of("prompt_completion",
        "{\"id\":\"c1\",\"format\":\"prompt_completion\",\"split\":\"test\","
            + "\"reason\":\"only instruction examples have a prompt\"}"));
    PAssert.that(out.get(WriteFormats.WRITTEN))
        .containsInAnyOrder(KV.of("prompt_completion", "train"));
    pipeline.run();

    assertEquals(Map.of(
        "prompt_completion/train.jsonl", List.of("{\"prompt\":\"Add 2 and 3.\",\"completion\":\"5\"}"),
        "_validation/prompt_completion.jsonl", List.of("{\"id\":\"c1\",\"format\":"
            + "\"prompt_completion\",\"split\":\"test\",\"reason\":\"only instruction examples"
            + " have a prompt\"}")),
        records("\n"));
  }

  @Test
  public void anExampleOverTheOpenaiTokenLimitGoesToValidationAndStaysInTheOtherFormats()
      throws IOException {
    // o200k_base: "Add 2 and 3." / "5" is 3 + (3 + 1 + 7) + (3 + 1 + 1) = 19 tokens, right at the
    // limit; "Be brief." / "Hi" / "Hello" is 3 + (3 + 1 + 3) + (3 + 1 + 1) + (3 + 1 + 1) = 20.
    PipelineSpec spec = spec("output: {formats: [openai, anthropic], openai: {max_tokens: 19}}");

    PCollectionTuple out = write(spec, INSTRUCTION, CHAT, TEXT);

    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(
        KV.of("openai", "{\"id\":\"c1\",\"format\":\"openai\",\"split\":\"test\",\"reason\":"
            + "\"20 tokens (o200k_base, OpenAI chat accounting) is more than output.openai.max_tokens"
            + " 19\"}"),
        KV.of("openai", "{\"id\":\"t1\",\"format\":\"openai\",\"split\":\"train\",\"reason\":"
            + "\"a text example has no user or assistant turn\"}"),
        KV.of("anthropic", "{\"id\":\"t1\",\"format\":\"anthropic\",\"split\":\"train\","
            + "\"reason\":\"a text example has no user or assistant turn\"}"));
    pipeline.run();

    Map<String, List<String>> files = records("\n");
    assertEquals(List.of("{\"messages\":[{\"role\":\"user\",\"content\":\"Add 2 and 3.\"},"
        + "{\"role\":\"assistant\",\"content\":\"5\"}]}"), files.get("openai/train.jsonl"));
    assertEquals(null, files.get("openai/test.jsonl"));
    assertEquals(List.of("{\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}"),
        files.get("anthropic/test.jsonl"));
  }
}
