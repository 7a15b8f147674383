package dev.trainset.read;

import dev.trainset.testing.Fixtures;
import static dev.trainset.testing.Fixtures.object;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ReadDocumentsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private File write(String name, String text) throws IOException {
    return Fixtures.write(folder, name, text);
  }

  private PCollectionTuple read(String format, File... files) {
    return pipeline.apply(ReadDocuments.from(Fixtures.reading(", format: " + format, files).input()));
  }

  @Test
  public void readsJsonLinesAndRejectsWhatDoesNotParse() throws IOException {
    File file = write("data.jsonl",
        "{\"id\": \"a\", \"instruction\": \"Hi\", \"output\": \"Hello\"}\n"
            + "\n"
            + "{\"id\": \"b\", \"instruction\": \"Bye\"\n"
            + "[1, 2]\n"
            + "{\"instruction\":\"Name a colour.\",\"output\":\"Blue.\"}\n"
            + "{\"id\": \"c\"} trailing words\n"
            + "{\"id\": \"d\"}{\"id\": \"e\"}\n");
    String path = file.getPath();

    PCollectionTuple out = read("auto", file);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", path + ":1",
                object("{\"id\": \"a\", \"instruction\": \"Hi\", \"output\": \"Hello\"}")),
            // No id field: the id is the first 16 hex digits of the SHA-256 of the compact JSON.
            Document.read("6b1c1bef380dd45d", path + ":5",
                object("{\"instruction\":\"Name a colour.\",\"output\":\"Blue.\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(path + ":3", "read", "parse_error",
                "line 3: Unexpected end-of-input: expected close marker for Object (start marker at"
                    + " [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled);"
                    + " line: 1, column: 1])",
                JsonNodeFactory.instance.textNode("{\"id\": \"b\", \"instruction\": \"Bye\"")),
            new Rejected(path + ":4", "read", "not_an_object",
                "line 4 holds array, not a JSON object", object("{\"a\": [1, 2]}").get("a")),
            new Rejected(path + ":6", "read", "parse_error", "line 6: Unrecognized token"
                + " 'trailing': was expecting (JSON String, Number, Array, Object or token 'null',"
                + " 'true' or 'false')",
                JsonNodeFactory.instance.textNode("{\"id\": \"c\"} trailing words")),
            new Rejected(path + ":7", "read", "parse_error", "line 7: Trailing token (of type"
                + " START_OBJECT) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`):"
                + " not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`",
                JsonNodeFactory.instance.textNode("{\"id\": \"d\"}{\"id\": \"e\"}")));
    pipeline.run();
  }

  @Test
  public void readsJsonArraysAndCompressedFiles() throws IOException {
    File array = write("data.json",
        "[\n  {\"id\": \"a\", \"text\": \"one\"},\n  {\"id\": \"b\", \"text\": \"two\"}\n]\n");
    File gzipped = folder.newFile("more.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(new FileOutputStream(gzipped))) {
      out.write("{\"id\": \"c\", \"text\": \"three\"}\n".getBytes(StandardCharsets.UTF_8));
    }

    PCollectionTuple out = read("auto", array, gzipped);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", array.getPath() + ":2#1",
                object("{\"id\": \"a\", \"text\": \"one\"}")),
            Document.read("b", array.getPath() + ":3#2",
                object("{\"id\": \"b\", \"text\": \"two\"}")),
            Document.read("c", gzipped.getPath() + ":1",
                object("{\"id\": \"c\", \"text\": \"three\"}")));
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void keepsWhatPrecedesASyntaxErrorInAJsonArray() throws IOException {
    File array = write("broken.json", "[{\"id\": \"a\", \"text\": \"one\"},\n {\"id\": \"b\" \"text\": 2}]");

    PCollectionTuple out = read("auto", array);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", array.getPath() + ":1#1",
                object("{\"id\": \"a\", \"text\": \"one\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(array.getPath() + ":2#2", "read", "parse_error",
                "record 2 (line 2): Unexpected character ('\"' (code 34)): was expecting comma to"
                    + " separate Object entries",
                JsonNodeFactory.instance.textNode("{\"id\": \"b\" \"text\": 2}")));
    pipeline.run();
  }

  @Test
  public void readsEveryRootValueOfAJsonFilePrettyPrintedOrNot() throws IOException {
    File pretty = write("pretty.json", "{\n  \"id\": \"p1\",\n  \"text\": \"one\"\n}\n"
        + "{\"id\": \"p2\", \"text\": \"two\"}\n");
    File arrays = write("arrays.json",
        "[{\"id\": \"a1\"}, 7]\n[{\"id\": \"a2\"}]\n{\"id\": \"a3\"}\n");
    File lines = write("lines.json", "\n{\"id\": \"l1\"}\n{\"id\": \"l2\"\n{\"id\": \"l3\"}\n");
    File emptyCsv = write("empty.csv", "");

    PCollectionTuple out = read("auto", pretty, arrays, lines, emptyCsv);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("p1", pretty.getPath() + ":1#1",
                object("{\"id\": \"p1\", \"text\": \"one\"}")),
            Document.read("p2", pretty.getPath() + ":5#2",
                object("{\"id\": \"p2\", \"text\": \"two\"}")),
            Document.read("a1", arrays.getPath() + ":1#1", object("{\"id\": \"a1\"}")),
            Document.read("a2", arrays.getPath() + ":2#3", object("{\"id\": \"a2\"}")),
            Document.read("a3", arrays.getPath() + ":3#4", object("{\"id\": \"a3\"}")),
            // A .json file whose first line is a whole value is JSON lines: a bad line costs one.
            Document.read("l1", lines.getPath() + ":2", object("{\"id\": \"l1\"}")),
            Document.read("l3", lines.getPath() + ":4", object("{\"id\": \"l3\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(arrays.getPath() + ":1#2", "read", "not_an_object",
                "record 2 (line 1) holds number, not a JSON object", object("{\"n\": 7}").get("n")),
            new Rejected(lines.getPath() + ":3", "read", "parse_error",
                "line 3: Unexpected end-of-input: expected close marker for Object (start marker at"
                    + " [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled);"
                    + " line: 1, column: 1])",
                JsonNodeFactory.instance.textNode("{\"id\": \"l2\"")));
    pipeline.run();
  }

  @Test
  public void readsCsvWithQuotingAndRejectsRowsOfTheWrongWidth() throws IOException {
    File csv = write("data.csv",
        "id,instruction,output\n"
            + "a,\"Say \"\"hi\"\", please\",\"Hello,\nworld\"\n"
            + "b,Too,many,columns\n"
            + "c,Name a colour.,Blue.\n");

    PCollectionTuple out = read("auto", csv);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", csv.getPath() + ":1",
                object("{\"id\": \"a\", \"instruction\": \"Say \\\"hi\\\", please\","
                    + " \"output\": \"Hello,\\nworld\"}")),
            Document.read("c", csv.getPath() + ":3",
                object("{\"id\": \"c\", \"instruction\": \"Name a colour.\", \"output\": \"Blue.\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(csv.getPath() + ":2", "read", "parse_error",
                "CSV row 2: Too many entries: expected at most 3 (value #3 (7 chars)"
                    + " \"columns\")",
                null));
    pipeline.run();
  }

  @Test
  public void rejectsAFileWhoseFormatItCannotTell() throws IOException {
    File notes = write("notes.txt", "just words\n");

    PCollectionTuple out = read("auto", notes);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS)).empty();
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(notes.getPath(), "read", "unknown_format",
                "cannot tell the format from the file name; set input.format to jsonl, json, csv or"
                    + " parquet",
                null));
    pipeline.run();
  }

  @Test
  public void rejectsACorruptArchiveAndKeepsGoing() throws IOException {
    // A gzip header followed by a deflate block of a type that does not exist.
    File corrupt = folder.newFile("corrupt.jsonl.gz");
    Files.write(corrupt.toPath(), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    File fine = write("fine.jsonl", "{\"id\": \"ok\", \"text\": \"fine\"}\n");

    PCollectionTuple out = read("auto", corrupt, fine);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("ok", fine.getPath() + ":1", object("{\"id\": \"ok\", \"text\": \"fine\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(corrupt.getPath(), "read", "unreadable_file",
                "reading stopped at record 1: Gzip-compressed data is corrupt", null));
    pipeline.run();
  }
}
