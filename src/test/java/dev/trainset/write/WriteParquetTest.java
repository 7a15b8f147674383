package dev.trainset.write;

import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.ExampleTable;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** parquet and huggingface through WriteFormats, read back with parquet-avro. */
public class WriteParquetTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private static final Example MATH =
      Example.instruction("i1", null, "Add 2 and 3.", "", "5").withSplit("train").withWeight(2.0)
          .withMetadata(ordered("topic", TextNode.valueOf("math"), "rank", IntNode.valueOf(3)));
  private static final Example SLASHED =
      Example.instruction("i2", "Be brief.", "Name a prime.", "small", "2").withSplit("test")
          .withMetadata(ordered("topic", TextNode.valueOf("a/b")));
  private static final Example TEXT = Example.text("t1", "Once upon a time.").withSplit("train");

  private static Map<String, com.fasterxml.jackson.databind.JsonNode> ordered(Object... pairs) {
    Map<String, com.fasterxml.jackson.databind.JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (com.fasterxml.jackson.databind.JsonNode) pairs[i + 1]);
    }
    return map;
  }

  private PCollectionTuple write(PipelineSpec spec, Example... examples) {
    return pipeline
        .apply(Create.of(List.of(examples)).withCoder(ExampleCoder.of()))
        .apply(WriteFormats.to(spec.output(), folder.getRoot().getPath())
            .withTable(ExampleTable.of(spec.fields(), spec.quality())));
  }

  /** Each file's rows as Avro prints them, by path without the shard numbers, and its codec. */
  private Map<String, List<String>> rows(Map<String, String> codecs) throws IOException {
    Map<String, List<String>> rows = new TreeMap<>();
    Path root = folder.getRoot().toPath();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        String key = root.relativize(file).toString().replaceAll("-\\d{5}-of-\\d{5}", "");
        HadoopInputFile input =
            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
        try (ParquetFileReader footer = ParquetFileReader.open(input)) {
          codecs.put(key, footer.getRowGroups().get(0).getColumns().get(0).getCodec().name());
        }
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(input).build()) {
          List<String> list = rows.computeIfAbsent(key, k -> new ArrayList<>());
          for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
            list.add(record.toString());
          }
          list.sort(null);
        }
      }
    }
    return rows;
  }

  @Test
  public void writesTypedRowsInHiveFoldersAndTheHubLayout() throws IOException {
    PipelineSpec spec = spec("fields: {metadata: [topic, rank]}\n"
        + "output: {formats: [parquet, huggingface], partition_by: [topic],"
        + " parquet: {compression: gzip}}");

    PCollectionTuple out = write(spec, MATH, SLASHED, TEXT);

    String reason = "a text example has no columns in a table of instruction examples (fields.style)";
    PAssert.that(out.get(WriteFormats.VALIDATION)).containsInAnyOrder(
        KV.of("parquet", "{\"id\":\"t1\",\"format\":\"parquet\",\"split\":\"train\",\"reason\":\""
            + reason + "\"}"),
        KV.of("huggingface", "{\"id\":\"t1\",\"format\":\"huggingface\",\"split\":\"train\","
            + "\"reason\":\"" + reason + "\"}"));
    PAssert.that(out.get(WriteFormats.WRITTEN)).containsInAnyOrder(
        KV.of("parquet", "train"), KV.of("parquet", "test"),
        KV.of("huggingface", "train"), KV.of("huggingface", "test"));
    pipeline.run();

    Map<String, String> codecs = new TreeMap<>();
    assertEquals(Map.of(
        "parquet/topic=math/train.parquet", List.of("{\"id\": \"i1\", \"split\": \"train\","
            + " \"weight\": 2.0, \"system\": null, \"instruction\": \"Add 2 and 3.\", \"input\": \"\","
            + " \"output\": \"5\", \"metadata\": {\"topic\": \"math\", \"rank\": \"3\"}}"),
        "parquet/topic=a%2Fb/test.parquet", List.of("{\"id\": \"i2\", \"split\": \"test\","
            + " \"weight\": 1.0, \"system\": \"Be brief.\", \"instruction\": \"Name a prime.\","
            + " \"input\": \"small\", \"output\": \"2\", \"metadata\": {\"topic\": \"a/b\","
            + " \"rank\": null}}"),
        "huggingface/data/train.parquet", List.of("{\"id\": \"i1\", \"split\": \"train\","
            + " \"weight\": 2.0, \"system\": null, \"instruction\": \"Add 2 and 3.\", \"input\": \"\","
            + " \"output\": \"5\", \"metadata\": {\"topic\": \"math\", \"rank\": \"3\"}}"),
        "huggingface/data/test.parquet", List.of("{\"id\": \"i2\", \"split\": \"test\","
            + " \"weight\": 1.0, \"system\": \"Be brief.\", \"instruction\": \"Name a prime.\","
            + " \"input\": \"small\", \"output\": \"2\", \"metadata\": {\"topic\": \"a/b\","
            + " \"rank\": null}}")),
        rows(codecs));
    codecs.values().forEach(codec -> assertEquals("GZIP", codec));
  }

  @Test
  public void aChatIsAListOfRoleAndContentStructsAndNoMetadataKeysNoMetadataColumn()
      throws IOException {
    PipelineSpec spec = spec("fields: {style: chat}\n"
        + "output: {formats: [parquet], parquet: {compression: none}}");
    Example chat = Example.chat("c1", null, List.of(
            dev.trainset.model.Message.user("Hi"), dev.trainset.model.Message.assistant("Hello")))
        .withSplit("train");

    write(spec, chat);
    pipeline.run();

    Map<String, String> codecs = new TreeMap<>();
    assertEquals(Map.of("parquet/train.parquet", List.of("{\"id\": \"c1\", \"split\": \"train\","
            + " \"weight\": 1.0, \"system\": null, \"messages\": [{\"role\": \"user\", \"content\":"
            + " \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}")),
        rows(codecs));
    assertEquals(Map.of("parquet/train.parquet", "UNCOMPRESSED"), codecs);
  }
}
