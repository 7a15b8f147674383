package dev.trainset.read;

import static dev.trainset.testing.Fixtures.object;
import static org.junit.Assert.assertEquals;

import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import dev.trainset.testing.Fixtures;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Parquet input: rows as records with their nesting, and broken files as one rejection each. */
public class ReadParquetTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private static final Schema TURN = SchemaBuilder.record("turn").fields()
      .requiredString("role").requiredString("content").endRecord();

  private static final Schema DECIMAL = LogicalTypes.decimal(9, 2)
      .addToSchema(Schema.createFixed("amount", null, null, 4));

  private static final Schema ROW = SchemaBuilder.record("row").fields()
      .requiredString("id")
      .optionalString("instruction")
      .name("state").type(SchemaBuilder.record("state").fields()
          .requiredFloat("reward")
          .name("tags").type().array().items().stringType().noDefault()
          .endRecord()).noDefault()
      .name("turns").type().array().items(TURN).noDefault()
      .name("counts").type().map().values().longType().noDefault()
      .name("price").type(DECIMAL).noDefault()
      .name("seen").type(LogicalTypes.timestampMicros()
          .addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
      .name("day").type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT))).noDefault()
      .requiredBytes("blob")
      .requiredDouble("score")
      .endRecord();

  /** Writes {@code rows} to a Parquet file of {@code folder} as the usual writers do. */
  static File parquet(TemporaryFolder folder, String name, Schema schema,
      List<GenericRecord> rows) throws IOException {
    File file = new File(folder.getRoot(), name);
    file.getParentFile().mkdirs();
    Configuration conf = new Configuration(false);
    conf.setBoolean("parquet.avro.write-old-list-structure", false);
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
            HadoopOutputFile.fromPath(new Path(file.toURI()), conf))
            .withSchema(schema)
            .withConf(conf)
            .withDataModel(GenericData.get())
            .build()) {
      for (GenericRecord row : rows) {
        writer.write(row);
      }
    }
    return file;
  }

  private static GenericRecord row(String id, String instruction, float reward, List<String> tags,
      List<String[]> turns, Map<String, Long> counts, String price, long seenMicros, int day,
      byte[] blob, double score) {
    GenericRecord state = new GenericData.Record(ROW.getField("state").schema());
    state.put("reward", reward);
    state.put("tags", tags);
    GenericRecord row = new GenericData.Record(ROW);
    row.put("id", id);
    row.put("instruction", instruction);
    row.put("state", state);
    row.put("turns", turns.stream().map(turn -> {
      GenericRecord t = new GenericData.Record(TURN);
      t.put("role", turn[0]);
      t.put("content", turn[1]);
      return (Object) t;
    }).toList());
    row.put("counts", counts);
    row.put("price", new Conversions.DecimalConversion()
        .toFixed(new BigDecimal(price), DECIMAL, DECIMAL.getLogicalType()));
    row.put("seen", seenMicros);
    row.put("day", day);
    row.put("blob", ByteBuffer.wrap(blob));
    row.put("score", score);
    return row;
  }

  private PCollectionTuple read(String format, File... files) {
    return pipeline.apply(
        ReadDocuments.from(Fixtures.reading(", format: " + format, files).input()));
  }

  @Test
  public void readsRowsWithTheirNestingAsRecords() throws IOException {
    File file = parquet(folder, "rows.parquet", ROW, List.of(
        row("a", "Name a colour.", 0.1f, List.of("x", "y"),
            List.<String[]>of(new String[] {"user", "Hi"}, new String[] {"assistant", "Hello"}),
            Map.of("likes", 3L), "12.50", 1_700_000_000_123_456L, 19_000,
            "plain".getBytes(java.nio.charset.StandardCharsets.UTF_8), Double.NaN),
        row("b", null, -2f, List.of(), List.of(), Map.of(), "-0.05", 0L, 0,
            new byte[] {(byte) 0xff, 0, 1}, 2.5)));

    PCollectionTuple out = read("auto", file);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS)).containsInAnyOrder(
        Document.read("a", file.getPath() + ":1", object("{\"id\": \"a\","
            + " \"instruction\": \"Name a colour.\","
            + " \"state\": {\"reward\": 0.1, \"tags\": [\"x\", \"y\"]},"
            + " \"turns\": [{\"role\": \"user\", \"content\": \"Hi\"},"
            + " {\"role\": \"assistant\", \"content\": \"Hello\"}],"
            + " \"counts\": {\"likes\": 3}, \"price\": 12.50,"
            + " \"seen\": \"2023-11-14T22:13:20.123456Z\", \"day\": \"2022-01-08\","
            + " \"blob\": \"plain\", \"score\": \"NaN\"}")),
        Document.read("b", file.getPath() + ":2", object("{\"id\": \"b\", \"instruction\": null,"
            + " \"state\": {\"reward\": -2.0, \"tags\": []}, \"turns\": [], \"counts\": {},"
            + " \"price\": -0.05, \"seen\": \"1970-01-01T00:00:00Z\", \"day\": \"1970-01-01\","
            + " \"blob\": \"/wAB\", \"score\": 2.5}")));
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void aFileThatIsNotParquetOrIsCutShortIsOneRejectionAndTheRestIsRead() throws IOException {
    Schema flat = SchemaBuilder.record("flat").fields()
        .requiredString("id").requiredString("text").endRecord();
    GenericRecord one = new GenericData.Record(flat);
    one.put("id", "ok");
    one.put("text", "fine");
    File good = parquet(folder, "good.parquet", flat, List.of(one));
    File notParquet = Fixtures.write(folder, "notes.parquet", "{\"id\": \"x\"}\n");
    byte[] whole = Files.readAllBytes(good.toPath());
    File cut = folder.newFile("cut.parquet");
    Files.write(cut.toPath(), Arrays.copyOf(whole, whole.length - 10));

    // Explicit format: the extension is not what makes these Parquet.
    PCollectionTuple out = read("parquet", good, notParquet, cut);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS)).containsInAnyOrder(
        Document.read("ok", good.getPath() + ":1", object("{\"id\": \"ok\", \"text\": \"fine\"}")));
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(
        new Rejected(notParquet.getPath(), "read", "unreadable_file",
            "reading stopped at record 1: " + notParquet.getPath() + " is not a Parquet file."
                + " Expected magic number at tail, but found "
                + tail(Files.readAllBytes(notParquet.toPath()), Files.size(notParquet.toPath())),
            null),
        new Rejected(cut.getPath(), "read", "unreadable_file",
            "reading stopped at record 1: " + cut.getPath() + " is not a Parquet file."
                + " Expected magic number at tail, but found " + tail(whole, whole.length - 10),
            null));
    pipeline.run();
  }

  private static String tail(byte[] bytes, long length) {
    return Arrays.toString(Arrays.copyOfRange(bytes, (int) length - 4, (int) length));
  }

  @Test
  public void aFileNameGivesItsSplit() {
    assertEquals("train", ReadDocuments.splitOf("out/hf/data/train-00000-of-00002.parquet"));
    assertEquals("test.v2", ReadDocuments.splitOf("gs://b/hf/data/test.v2-00001-of-00002.parquet"));
    assertEquals("validation", ReadDocuments.splitOf("hf/data/validation.parquet"));
  }
}
