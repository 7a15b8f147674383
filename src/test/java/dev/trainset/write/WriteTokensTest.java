package dev.trainset.write;

import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.ExampleTable;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The tokens format through WriteFormats. cl100k_base ids, from jtokkit: "Hello world" [9906,
 * 1917], "Once upon a time." [12805, 5304, 264, 892, 13], "a b c d e" [64, 293, 272, 294, 384].
 * The ids' sort keys order train as d, c, a (sha256 of "d" < "c" < "a").
 */
public class WriteTokensTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private static final List<Example> EXAMPLES = List.of(
      Example.text("a", "a b c d e").withSplit("train"),
      Example.text("c", "Once upon a time.").withSplit("train"),
      Example.text("d", "Hello world").withSplit("train"),
      Example.text("b", "Hello world").withSplit("test"),
      Example.text("e", "").withSplit("train"));

  private static final String EMPTY = "{\"id\":\"e\",\"format\":\"tokens\",\"split\":\"train\","
      + "\"reason\":\"the example has no text to tokenize\"}";

  private PCollectionTuple write(String output) {
    PipelineSpec spec = spec("output: " + output);
    return pipeline
        .apply(Create.of(EXAMPLES).withCoder(ExampleCoder.of()))
        .apply(WriteFormats.to(spec.output(), folder.getRoot().getPath())
            .withTable(ExampleTable.of(spec.fields(), spec.quality())));
  }

  /** Each file's lines, by its path under the output folder, in name order. */
  private Map<String, List<String>> files() throws IOException {
    Map<String, List<String>> files = new TreeMap<>();
    Path root = folder.getRoot().toPath().resolve("tokens");
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readAllLines(file));
      }
    }
    return files;
  }

  @Test
  public void writesEachExampleWithItsIndexInTheSplitsOrder() throws IOException {
    PCollectionTuple out = write("{formats: [tokens]}");
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("tokens", "train"), KV.of("tokens", "train"), KV.of("tokens", "train"),
        KV.of("tokens", "test"));
    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(KV.of("tokens", EMPTY));
    pipeline.run().waitUntilFinish();

    assertEquals(Map.of(
        "train-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":[9906,1917]}",
            "{\"index\":1,\"content\":[12805,5304,264,892,13]}",
            "{\"index\":2,\"content\":[64,293,272,294,384]}"),
        "test-00000-of-00001.jsonl", List.of("{\"index\":0,\"content\":[9906,1917]}")), files());
  }

  @Test
  public void packsExamplesIntoSequencesAcrossTheirBoundariesKeepingAShorterLastOne()
      throws IOException {
    PCollectionTuple out = write("{formats: [tokens], tokens: {seq_len: 5}}");
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("tokens", "train"), KV.of("tokens", "train"), KV.of("tokens", "train"),
        KV.of("tokens", "test"));
    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(KV.of("tokens", EMPTY));
    pipeline.run().waitUntilFinish();

    assertEquals(Map.of(
        "train-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":[9906,1917,12805,5304,264],\"doc_details\":"
                + "{\"doc_index_f\":0,\"doc_index_l\":1,\"offset_f\":0,\"offset_l\":3}}",
            "{\"index\":1,\"content\":[892,13,64,293,272],\"doc_details\":"
                + "{\"doc_index_f\":1,\"doc_index_l\":2,\"offset_f\":3,\"offset_l\":3}}",
            "{\"index\":2,\"content\":[294,384],\"doc_details\":"
                + "{\"doc_index_f\":2,\"doc_index_l\":2,\"offset_f\":3,\"offset_l\":5}}"),
        "test-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":[9906,1917],\"doc_details\":"
                + "{\"doc_index_f\":0,\"doc_index_l\":0,\"offset_f\":0,\"offset_l\":2}}")),
        files());
  }

  @Test
  public void selectsAnIndexRangeOfEachSplitKeepingTheIndexes() throws IOException {
    PCollectionTuple out =
        write("{formats: [tokens], tokens: {seq_len: 5}, select: {start: 1, end: 3}}");
    // test has index 0 only: nothing of it is selected, and no file is written for it.
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("tokens", "train"), KV.of("tokens", "train"));
    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(KV.of("tokens", EMPTY));
    pipeline.run().waitUntilFinish();

    assertEquals(Map.of(
        "train-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":[12805,5304,264,892,13],\"doc_details\":"
                + "{\"doc_index_f\":1,\"doc_index_l\":1,\"offset_f\":0,\"offset_l\":5}}",
            "{\"index\":1,\"content\":[64,293,272,294,384],\"doc_details\":"
                + "{\"doc_index_f\":2,\"doc_index_l\":2,\"offset_f\":0,\"offset_l\":5}}")),
        files());
  }

  @Test
  public void numbersFilesAndIndexesAcrossShardsWhenFilesAreCapped() throws IOException {
    // Three shards of one example per file: a file's first index counts the records of the
    // shards before it, and file numbers count only the files the range keeps.
    PCollectionTuple out = write("{formats: [tokens], max_records_per_file: 1,"
        + " select: {start: 1, end: 3}}");
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("tokens", "train"), KV.of("tokens", "train"));
    pipeline.run().waitUntilFinish();

    Map<String, List<String>> files = files();
    assertEquals(List.of("train-00000-of-00002.jsonl", "train-00001-of-00002.jsonl"),
        new ArrayList<>(files.keySet()));
    List<String> indexes = new ArrayList<>();
    List<String> contents = new ArrayList<>();
    files.values().forEach(lines -> lines.forEach(line -> {
      indexes.add(line.replaceAll("^\\{\"index\":(\\d+),.*$", "$1"));
      contents.add(line.replaceAll("^.*\"content\":(\\[.*\\])}$", "$1"));
    }));
    assertEquals(List.of("1", "2"), indexes);
    assertEquals(2, new java.util.HashSet<>(contents).size());
    assertEquals(true, List.of("[9906,1917]", "[12805,5304,264,892,13]", "[64,293,272,294,384]")
        .containsAll(contents));
  }

  @Test
  public void writesTheDecodedTextAsContentWhenAskedTo() throws IOException {
    PCollectionTuple out = write("{formats: [tokens], tokens: {detokenize: true, seq_len: 5}}");
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("tokens", "train"), KV.of("tokens", "train"), KV.of("tokens", "train"),
        KV.of("tokens", "test"));
    pipeline.run().waitUntilFinish();

    // Each sequence's five tokens decoded: "Hello world" + "Once upon a" in the first.
    assertEquals(Map.of(
        "train-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":\"Hello worldOnce upon a\",\"doc_details\":"
                + "{\"doc_index_f\":0,\"doc_index_l\":1,\"offset_f\":0,\"offset_l\":3}}",
            "{\"index\":1,\"content\":\" time.a b c\",\"doc_details\":"
                + "{\"doc_index_f\":1,\"doc_index_l\":2,\"offset_f\":3,\"offset_l\":3}}",
            "{\"index\":2,\"content\":\" d e\",\"doc_details\":"
                + "{\"doc_index_f\":2,\"doc_index_l\":2,\"offset_f\":3,\"offset_l\":5}}"),
        "test-00000-of-00001.jsonl", List.of(
            "{\"index\":0,\"content\":\"Hello world\",\"doc_details\":"
                + "{\"doc_index_f\":0,\"doc_index_l\":0,\"offset_f\":0,\"offset_l\":2}}")),
        files());
  }

  @Test
  public void writesCsvRowsWithTheDocDetailsColumnsWhenPacked() throws IOException {
    write("{formats: [tokens], tokens: {file_format: csv, seq_len: 5}}");
    pipeline.run().waitUntilFinish();

    assertEquals(Map.of(
        "train-00000-of-00001.csv", List.of(
            "index,content,doc_index_f,doc_index_l,offset_f,offset_l",
            "0,\"[9906,1917,12805,5304,264]\",0,1,0,3",
            "1,\"[892,13,64,293,272]\",1,2,3,3",
            "2,\"[294,384]\",2,2,3,5"),
        "test-00000-of-00001.csv", List.of(
            "index,content,doc_index_f,doc_index_l,offset_f,offset_l",
            "0,\"[9906,1917]\",0,0,0,2")),
        files());
  }

  @Test
  public void writesCsvRowsOfDecodedText() throws IOException {
    write("{formats: [tokens], tokens: {file_format: csv, detokenize: true}}");
    pipeline.run().waitUntilFinish();

    assertEquals(Map.of(
        "train-00000-of-00001.csv", List.of(
            "index,content", "0,\"Hello world\"", "1,\"Once upon a time.\"",
            "2,\"a b c d e\""),
        "test-00000-of-00001.csv", List.of("index,content", "0,\"Hello world\"")),
        files());
  }

  @Test
  public void selectsWholeBatchesOfASeededShuffleKeepingIndexAndBatch() throws IOException {
    // train's indexes 0, 1, 2 in batches of 2 of the seed-42 shuffle; test's one example is in
    // batch 0 of its own.
    PCollectionTuple out = write(
        "{formats: [tokens], select: {batch_size: 2, batches: [1], seed: 42}}");
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(KV.of("tokens", "train"));
    pipeline.run().waitUntilFinish();

    BatchOrderExpectation train = new BatchOrderExpectation(42, 3, 2);
    assertEquals(List.of(1L, 0L, 0L), train.batches());
    assertEquals(Map.of(
        "train-00000-of-00001.jsonl", List.of("{\"index\":0,\"content\":[9906,1917],\"batch\":1}"),
        "test-00000-of-00001.jsonl", List.of()),
        files());
  }

  @Test
  public void writesTheSelectedBatchesInTheSamplersOrder() throws IOException {
    write("{formats: [tokens], tokens: {file_format: csv},"
        + " select: {batch_size: 1, batches: ['0-2'], seed: 42}}");
    pipeline.run().waitUntilFinish();

    // Batch 0 is index 2, batch 1 index 1, batch 2 index 0 (positions of the seed-42 shuffle).
    assertEquals(List.of(2L, 1L, 0L), new BatchOrderExpectation(42, 3, 1).order());
    assertEquals(List.of("index,content,batch", "2,\"[64,293,272,294,384]\",0",
        "1,\"[12805,5304,264,892,13]\",1", "0,\"[9906,1917]\",2"),
        files().get("train-00000-of-00001.csv"));
  }

  /** The shuffle's batches of a split, from {@link dev.trainset.formats.BatchOrder} itself. */
  private record BatchOrderExpectation(long seed, long size, long batchSize) {
    List<Long> batches() {
      dev.trainset.formats.BatchOrder order =
          new dev.trainset.formats.BatchOrder(seed, size, batchSize, List.of(new long[] {0, 0}));
      List<Long> batches = new ArrayList<>();
      for (long i = 0; i < size; i++) {
        batches.add(order.batch(i));
      }
      return batches;
    }

    /** The indexes in the order the sampler draws them. */
    List<Long> order() {
      dev.trainset.formats.BatchOrder order =
          new dev.trainset.formats.BatchOrder(seed, size, batchSize, List.of(new long[] {0, 0}));
      Long[] byPosition = new Long[(int) size];
      for (long i = 0; i < size; i++) {
        byPosition[(int) order.position(i)] = i;
      }
      return List.of(byPosition);
    }
  }
}
