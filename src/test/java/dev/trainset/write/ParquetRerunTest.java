package dev.trainset.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same rows written by three JVMs give the same bytes. parquet-java lists a column chunk's
 * encodings in the order of a {@code HashSet} of enum constants, whose hash codes are identity
 * hash codes and so differ from one JVM to the next (apache/parquet-java#3215).
 */
class ParquetRerunTest {
  private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\": \"record\","
      + " \"name\": \"row\", \"fields\": [{\"name\": \"id\", \"type\": \"string\"},"
      + " {\"name\": \"weight\", \"type\": \"double\"},"
      + " {\"name\": \"tags\", \"type\": {\"type\": \"array\", \"items\": \"string\"}},"
      + " {\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}]}");

  /**
   * Writes the rows to {@code args[0]}: what each JVM of the test runs. It first takes {@code
   * args[1]} identity hash codes, as a real run's other work does: HotSpot draws them from a
   * per-thread sequence, so the enum constants' hash codes differ as the history before differs.
   */
  public static void main(String[] args) throws IOException {
    for (int i = Integer.parseInt(args[1]); i > 0; i--) {
      System.identityHashCode(new Object());
    }
    FileIO.Sink<GenericRecord> sink = WriteParquet.sink(SCHEMA, CompressionCodecName.SNAPPY);
    try (FileChannel out = FileChannel.open(Path.of(args[0]),
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      sink.open(out);
      for (int i = 0; i < 500; i++) {
        GenericRecord row = new GenericData.Record(SCHEMA);
        row.put("id", "example-" + i);
        row.put("weight", (i % 7) * 0.25);
        row.put("tags", List.of("t" + (i % 3), "u" + (i % 5)));
        row.put("note", i % 4 == 0 ? null : "note " + (i % 10));
        sink.write(row);
      }
      sink.flush();
    }
  }

  @Test
  void threeJvmsWriteTheSameBytes(@TempDir Path dir) throws Exception {
    List<byte[]> files = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      int number = run;
      Path file = dir.resolve("run" + run + ".parquet");
      Process jvm = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), ParquetRerunTest.class.getName(),
          file.toString(), String.valueOf(run * 7))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("run" + run + ".log").toFile())
          .start();
      jvm.waitFor(2, TimeUnit.MINUTES);
      assertEquals(0, jvm.exitValue(), () -> read(dir.resolve("run" + number + ".log").toFile()));
      files.add(Files.readAllBytes(file));
    }
    assertArrayEquals(files.get(0), files.get(1), "runs 1 and 2 differ");
    assertArrayEquals(files.get(0), files.get(2), "runs 1 and 3 differ");
  }

  private static String read(File log) {
    try {
      return Files.readString(log.toPath());
    } catch (IOException e) {
      return "no log: " + e;
    }
  }
}
