package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import dev.trainset.testing.OutsideReaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the jar once with parquet, huggingface, csv and jsonl on a small sample of values that
 * are hard to write (commas, quotes, line breaks, formulas, a path in a partition value, an
 * absent one, nested metadata), and reads the output back with readers trainset does not
 * control: DuckDB ({@code runners/check/read-with-duckdb.mjs}: Parquet with Hive partitions, the
 * huggingface folder, JSON lines) and pandas ({@code read-with-pandas.py}: CSV, JSON lines). A
 * reader that is not installed skips its test with the reason printed; {@code .ci/run} installs
 * both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TabularReadersIT {
  private static final Path CHECK = Path.of("runners/check");

  @TempDir static Path work;
  private Path out;

  @BeforeAll
  void run() throws Exception {
    out = work.resolve("tricky");
    EndToEndIT.Run run = EndToEndIT.trainset(
        "--pipeline=src/test/resources/readers/tricky.yaml", "--outputDir=" + out);
    assertEquals(0, run.exit(), run.err());
    assertEquals("trainset: tricky: read 6, exported 6 (train 3, test 3), rejected 0",
        run.out().substring(0, run.out().indexOf(" in ")));
  }

  @Test
  void duckdbReadsParquetWithPartitionsTheHuggingfaceFolderAndJsonLines() throws Exception {
    skipUnless(Files.isDirectory(CHECK.resolve("node_modules/@duckdb/node-api")),
        "DuckDB reader not installed (npm install --prefix runners/check)");
    JsonNode read = OutsideReaders.json(Duration.ofMinutes(2), "node",
        CHECK.resolve("read-with-duckdb.mjs").toString(),
        out.toString(), "lang");
    assertEquals(Json.MAPPER.readTree("""
        [{"id":"r1","split":"test","partition":"en","weight":1,"instruction":"Say hi, politely.",
          "input":"","output":"Hello, \\"friend\\".","meta_lang":"en","meta_info":null},
         {"id":"r2","split":"test","partition":"en","weight":1,"instruction":"=SUM(A1:A2)",
          "input":"","output":"-3 is the answer\\nsecond line","meta_lang":"en","meta_info":null},
         {"id":"r3","split":"train","partition":"de","weight":1,"instruction":"Übersetze: cat",
          "input":"cat","output":"Katze","meta_lang":"de","meta_info":null},
         {"id":"r4","split":"train","partition":"../x","weight":1,"instruction":"Path test",
          "input":"","output":"ok","meta_lang":"../x","meta_info":null},
         {"id":"r5","split":"test","partition":"en","weight":1,"instruction":"Nested metadata",
          "input":"","output":"fine","meta_lang":"en","meta_info":"{\\"a\\":1}"},
         {"id":"r6","split":"train","partition":null,"weight":1,"instruction":"@mention",
          "input":"","output":"+1","meta_lang":"","meta_info":null}]"""),
        read.get("parquet"));
    assertEquals(Json.MAPPER.readTree("""
        [{"id":"r1","split":"test","file_split":"test","weight":1,
          "instruction":"Say hi, politely.","output":"Hello, \\"friend\\".",
          "meta_lang":"en","meta_info":null},
         {"id":"r2","split":"test","file_split":"test","weight":1,"instruction":"=SUM(A1:A2)",
          "output":"-3 is the answer\\nsecond line","meta_lang":"en","meta_info":null},
         {"id":"r3","split":"train","file_split":"train","weight":1,
          "instruction":"Übersetze: cat","output":"Katze","meta_lang":"de","meta_info":null},
         {"id":"r4","split":"train","file_split":"train","weight":1,"instruction":"Path test",
          "output":"ok","meta_lang":"../x","meta_info":null},
         {"id":"r5","split":"test","file_split":"test","weight":1,
          "instruction":"Nested metadata","output":"fine","meta_lang":"en",
          "meta_info":"{\\"a\\":1}"},
         {"id":"r6","split":"train","file_split":"train","weight":1,"instruction":"@mention",
          "output":"+1","meta_lang":"","meta_info":null}]"""),
        read.get("huggingface"));
    assertEquals(Json.MAPPER.readTree("""
        [{"id":"r1","split":"test","weight":1,"instruction":"Say hi, politely.",
          "output":"Hello, \\"friend\\"."},
         {"id":"r2","split":"test","weight":1,"instruction":"=SUM(A1:A2)",
          "output":"-3 is the answer\\nsecond line"},
         {"id":"r3","split":"train","weight":1,"instruction":"Übersetze: cat","output":"Katze"},
         {"id":"r4","split":"train","weight":1,"instruction":"Path test","output":"ok"},
         {"id":"r5","split":"test","weight":1,"instruction":"Nested metadata","output":"fine"},
         {"id":"r6","split":"train","weight":1,"instruction":"@mention","output":"+1"}]"""),
        read.get("jsonl"));
    // The card's counts are the rows DuckDB found in each split's files.
    JsonNode info = Json.MAPPER.readTree(out.resolve("huggingface/dataset_info.json").toFile());
    assertEquals(3, info.get("splits").get("train").get("num_examples").asLong());
    assertEquals(3, info.get("splits").get("test").get("num_examples").asLong());
    assertEquals(Files.size(out.resolve("huggingface/data/train-00000-of-00001.parquet")),
        info.get("splits").get("train").get("num_bytes").asLong());
  }

  @Test
  void pandasReadsCsvAndJsonLines() throws Exception {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    skipUnless(OutsideReaders.exitsZero(python, "-c", "import pandas"),
        "pandas not installed (apt-get install python3-pandas)");
    JsonNode read = OutsideReaders.json(Duration.ofMinutes(2), python,
        CHECK.resolve("read-with-pandas.py").toString(), out.toString());
    JsonNode columns = Json.MAPPER.readTree("[\"id\",\"split\",\"weight\",\"system\",\"instruction\","
        + "\"input\",\"output\",\"metadata.lang\",\"metadata.info\"]");
    assertEquals(columns, read.get("combined_columns"));
    assertEquals(Json.MAPPER.createArrayNode().add(columns), read.get("split_file_columns"));
    // r5's metadata.info is an object: csv sends it to _validation (checked below), not a cell.
    JsonNode rows = Json.MAPPER.readTree("""
        [{"id":"r1","split":"test","weight":"1.0","system":"","instruction":"Say hi, politely.",
          "input":"","output":"Hello, \\"friend\\".","metadata.lang":"en","metadata.info":""},
         {"id":"r2","split":"test","weight":"1.0","system":"","instruction":"'=SUM(A1:A2)",
          "input":"","output":"'-3 is the answer\\nsecond line","metadata.lang":"en",
          "metadata.info":""},
         {"id":"r3","split":"train","weight":"1.0","system":"","instruction":"Übersetze: cat",
          "input":"cat","output":"Katze","metadata.lang":"de","metadata.info":""},
         {"id":"r4","split":"train","weight":"1.0","system":"","instruction":"Path test",
          "input":"","output":"ok","metadata.lang":"../x","metadata.info":""},
         {"id":"r6","split":"train","weight":"1.0","system":"","instruction":"'@mention",
          "input":"","output":"'+1","metadata.lang":"","metadata.info":""}]""");
    assertEquals(rows, read.get("combined"));
    assertEquals(rows, read.get("split_rows"));
    assertEquals(Json.MAPPER.readTree("""
        [{"id":"r1","split":"test","instruction":"Say hi, politely.","output":"Hello, \\"friend\\"."},
         {"id":"r2","split":"test","instruction":"=SUM(A1:A2)",
          "output":"-3 is the answer\\nsecond line"},
         {"id":"r3","split":"train","instruction":"Übersetze: cat","output":"Katze"},
         {"id":"r4","split":"train","instruction":"Path test","output":"ok"},
         {"id":"r5","split":"test","instruction":"Nested metadata","output":"fine"},
         {"id":"r6","split":"train","instruction":"@mention","output":"+1"}]"""),
        read.get("jsonl"));
    List<String> invalid = Files.readAllLines(out.resolve("_validation/csv-00000-of-00001.jsonl"));
    assertEquals(1, invalid.size());
    assertEquals("r5", Json.MAPPER.readTree(invalid.get(0)).get("id").asText());
  }

  /** Skips the test, saying why where the build log shows it. */
  private static void skipUnless(boolean available, String reason) {
    if (!available) {
      System.out.println("TabularReadersIT: skipped: " + reason);
    }
    assumeTrue(available, reason);
  }
}
