package dev.trainset.read;

import dev.trainset.testing.Fixtures;
import static dev.trainset.testing.Fixtures.object;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.values.PCollectionTuple;
import dev.trainset.config.InputFormat;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.RejectedCoder;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TupleTagList;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Input that once stopped a run, lost records or changed them silently (issue 13): each is one
 * rejection with a reason that says what is wrong, and the records around it are read.
 */
public class HostileInputTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  private File write(String name, String text) throws IOException {
    return Fixtures.write(folder, name, text);
  }

  private PCollectionTuple read(String settings, File... files) {
    return pipeline.apply(ReadDocuments.from(Fixtures.reading(settings, files).input()));
  }

  @Test
  public void refusesALoneSurrogateAndKeepsAPair() throws IOException {
    String lone = "{\"id\":\"a\",\"instruction\":\"x \\ud800 y\",\"output\":\"o\"}";
    String pair = "{\"id\":\"b\",\"instruction\":\"smile \\ud83d\\ude00\",\"output\":\"o\"}";
    File lines = write("lines.jsonl", lone + "\n" + pair + "\n{\"\\udc00\": 1}\n");
    File array = write("array.json",
        "[{\"id\": \"c\", \"messages\": [{\"content\": \"ok\"}, {\"content\": \"\\udfff!\"}]},\n"
            + " {\"id\": \"d\", \"text\": \"fine\"}]\n");

    PCollectionTuple out = read("", lines, array);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("b", lines.getPath() + ":2",
                object("{\"id\":\"b\",\"instruction\":\"smile \uD83D\uDE00\",\"output\":\"o\"}")),
            Document.read("d", array.getPath() + ":2#2",
                object("{\"id\": \"d\", \"text\": \"fine\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":1", "read", "bad_encoding",
                "line 1: the string at instruction holds a lone surrogate \\ud800 at character 3;"
                    + " it cannot be written as UTF-8",
                JsonNodeFactory.instance.textNode(lone)),
            new Rejected(lines.getPath() + ":3", "read", "bad_encoding",
                "line 3: a field name holds a lone surrogate \\udc00 at character 1;"
                    + " it cannot be written as UTF-8",
                JsonNodeFactory.instance.textNode("{\"\\udc00\": 1}")),
            new Rejected(array.getPath() + ":1#1", "read", "bad_encoding",
                "record 1 (line 1): the string at messages.1.content holds a lone surrogate"
                    + " \\udfff at character 1; it cannot be written as UTF-8",
                null));
    pipeline.run();
  }

  @Test
  public void readsTheElementsAfterABadElementOfAJsonArray() throws IOException {
    String bad = "{\"id\":\"b\", \"x\": }";
    File array = write("array.json", "[{\"id\":\"a\",\"text\":\"one\"}, " + bad
        + ", {\"id\":\"c\",\"text\":\"three\"}, {\"id\":\"d\",\"text\":\"four\"}]\n");

    PCollectionTuple out = read("", array);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", array.getPath() + ":1#1", object("{\"id\":\"a\",\"text\":\"one\"}")),
            Document.read("c", array.getPath() + ":1#3",
                object("{\"id\":\"c\",\"text\":\"three\"}")),
            Document.read("d", array.getPath() + ":1#4",
                object("{\"id\":\"d\",\"text\":\"four\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(array.getPath() + ":1#2", "read", "parse_error",
                "record 2 (line 1): Unexpected character ('}' (code 125)): expected a value",
                JsonNodeFactory.instance.textNode(bad)));
    pipeline.run();
  }

  @Test
  public void resumesAfterAnElementMissingItsCloseAtTheNextLineThatStartsOne()
      throws IOException {
    // b lacks its "}": the next line that starts with "{" no deeper than b's starts the next one.
    File lines = write("lines.json", "[{\"id\": \"a\"},\n {\"id\": \"b\", \"x\": 1,\n"
        + " {\"id\": \"c\", \"m\": [\n   {\"n\": 1}]},\n {\"id\": \"d\"}]\n");
    // No such line: the rest of the file goes with b, and its rejection says how much that is.
    File flat = write("flat.json",
        "[{\"id\": \"e\"}, {\"id\": \"f\", \"x\": 1, {\"id\": \"g\"}, {\"id\": \"h\"}]\n");

    PCollectionTuple out = read("", lines, flat);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", lines.getPath() + ":1#1", object("{\"id\": \"a\"}")),
            Document.read("c", lines.getPath() + ":3#3",
                object("{\"id\": \"c\", \"m\": [{\"n\": 1}]}")),
            Document.read("d", lines.getPath() + ":5#4", object("{\"id\": \"d\"}")),
            Document.read("e", flat.getPath() + ":1#1", object("{\"id\": \"e\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":2#2", "read", "parse_error",
                "record 2 (line 2): Unexpected end-of-input within/between Object entries",
                JsonNodeFactory.instance.textNode("{\"id\": \"b\", \"x\": 1,")),
            new Rejected(flat.getPath() + ":1#2", "read", "parse_error",
                "record 2 (line 1): Unexpected character ('{' (code 123)): was expecting"
                    + " double-quote to start field name; its brackets do not balance and no later"
                    + " line starts a record, so it and the rest of the file were skipped: 46 bytes"
                    + " on 1 line",
                null));
    pipeline.run();
  }

  @Test
  public void saysWhereATruncatedGzipEndsAndHowManyRecordsWereRead() throws IOException {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (OutputStream gzip = new GZIPOutputStream(whole)) {
      for (int i = 1; i <= 2000; i++) {
        gzip.write(("{\"id\": \"r" + i + "\", \"text\": \"record " + i + " of the file, "
            + Integer.toHexString(i * 7919) + "\"}\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = whole.toByteArray();
    File cut = folder.newFile("cut.jsonl.gz");
    Files.write(cut.toPath(), Arrays.copyOf(bytes, bytes.length / 2));
    long kept = linesReadBeforeTheEnd(cut);

    PCollectionTuple out = read("", cut);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS).apply(Count.globally())).containsInAnyOrder(kept);
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(cut.getPath(), "read", "unreadable_file",
                "reading stopped at record " + (kept + 1) + ": unexpected end of the compressed"
                    + " stream (the file is cut short); the " + kept + " records before it were read",
                null));
    pipeline.run();
  }

  /**
   * How many lines reading gets from a cut-short gzip stream before it fails. It is fewer than
   * the stream holds whole: the decompressor drops what one read inflated when it meets the end.
   */
  private static long linesReadBeforeTheEnd(File gzip) throws IOException {
    long lines = 0;
    try (InputStream in = Channels.newInputStream(
        Compression.GZIP.readDecompressed(FileChannel.open(gzip.toPath())))) {
      Lines reader = new Lines(in, 1 << 20);
      while (reader.next() != null) {
        lines++;
      }
    } catch (Unreadable expected) {
      // Where the file is cut.
    }
    return lines;
  }

  @Test
  public void refusesALineOverTheLimitWithAPreviewAndReadsOn() throws IOException {
    String big = "{\"id\": \"big\", \"text\": \"" + "x".repeat(2000) + "\"}";
    File lines = write("big.jsonl",
        "{\"id\": \"a\"}\n" + big + "\n{\"id\": \"b\"}\n" + big + "\r\n");

    PCollectionTuple out = read(", max_record_bytes: 1024", lines);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", lines.getPath() + ":1", object("{\"id\": \"a\"}")),
            Document.read("b", lines.getPath() + ":3", object("{\"id\": \"b\"}")));
    String detail = " is 2025 bytes, over input.max_record_bytes (1024); it begins: "
        + big.substring(0, 100) + "...";
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":2", "read", "too_large", "line 2" + detail, null),
            new Rejected(lines.getPath() + ":4", "read", "too_large", "line 4" + detail, null));
    pipeline.run();
  }

  @Test
  public void refusesBytesThatAreNotUtf8WithTheirOffset() throws IOException {
    File lines = folder.newFile("bytes.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(utf8("{\"id\": \"caf\u00e9\"}\n"));
    // A lead byte without its continuation byte.
    bytes.write(utf8("{\"id\": \"x\", \"text\": \"caf"));
    bytes.write(0xC3);
    bytes.write(utf8(" au lait\"}\n"));
    // A surrogate encoded as three bytes (CESU-8), which UTF-8 does not allow.
    bytes.write(utf8("{\"id\": \"y\", \"text\": \""));
    bytes.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    bytes.write(utf8("\"}\n{\"id\": \"z\"}\n"));
    Files.write(lines.toPath(), bytes.toByteArray());

    PCollectionTuple out = read("", lines);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("caf\u00e9", lines.getPath() + ":1", object("{\"id\": \"caf\u00e9\"}")),
            Document.read("z", lines.getPath() + ":4", object("{\"id\": \"z\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":2", "read", "bad_encoding",
                "line 2: not valid UTF-8 at byte 24 of the line (byte 40 of the file): c3 20 61;"
                    + " the original shows U+FFFD in its place",
                JsonNodeFactory.instance.textNode(
                    "{\"id\": \"x\", \"text\": \"caf\ufffd au lait\"}")),
            new Rejected(lines.getPath() + ":3", "read", "bad_encoding",
                "line 3: not valid UTF-8 at byte 21 of the line (byte 73 of the file): ed a0 80;"
                    + " the original shows U+FFFD in its place",
                JsonNodeFactory.instance.textNode(
                    "{\"id\": \"y\", \"text\": \"\ufffd\"}")));
    pipeline.run();
  }

  @Test
  public void refusesCsvRowsThatAreNotUtf8OrOverTheLimit() throws IOException {
    File csv = folder.newFile("rows.csv");
    String big = "x".repeat(2000);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(utf8("id,text\r\na,caf\u00e9\r\nb,caf"));
    bytes.write(0xC3);
    bytes.write(utf8(" au lait\r\nc,\"" + big + "\"\r\nd,\"two\nlines\"\r\n"));
    Files.write(csv.toPath(), bytes.toByteArray());
    // Without its header no row can be read: one rejection for the file.
    File header = write("header.csv", "id," + big + "\na,b\n");

    PCollectionTuple out = read(", max_record_bytes: 1024", csv, header);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", csv.getPath() + ":1", object("{\"id\": \"a\", \"text\": \"caf\u00e9\"}")),
            Document.read("d", csv.getPath() + ":4",
                object("{\"id\": \"d\", \"text\": \"two\\nlines\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(csv.getPath() + ":2", "read", "bad_encoding",
                "row 2: not valid UTF-8 at byte 5 of the row (byte 23 of the file): c3 20 61;"
                    + " the original shows U+FFFD in its place",
                JsonNodeFactory.instance.textNode("b,caf\ufffd au lait")),
            new Rejected(csv.getPath() + ":3", "read", "too_large",
                "row 3 is 2004 bytes, over input.max_record_bytes (1024); it begins: c,\""
                    + big.substring(0, 97) + "...",
                null),
            new Rejected(header.getPath(), "read", "too_large",
                "the header row is 2003 bytes, over input.max_record_bytes (1024); no row of the"
                    + " file was read",
                null));
    pipeline.run();
  }

  @Test
  public void refusesJsonRecordsThatAreNotUtf8OrOverTheLimit() throws IOException {
    File array = folder.newFile("array.json");
    String big = "{\"id\": \"big\", \"text\": \"" + "x".repeat(2000) + "\"}";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(utf8("[{\"id\": \"a\"},\n {\"id\": \"x\", \"text\": \"caf"));
    bytes.write(0xC3);
    bytes.write(utf8(" au lait\"},\n " + big + ",\n {\"id\": \"b\"}]\n"));
    Files.write(array.toPath(), bytes.toByteArray());
    // Objects one after another, pretty-printed: a CESU-8 surrogate in the second.
    File objects = folder.newFile("objects.json");
    bytes.reset();
    bytes.write(utf8("{\n  \"id\": \"c\"\n}\n{\n  \"id\": \"y\",\n  \"text\": \""));
    bytes.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    bytes.write(utf8("\"\n}\n"));
    Files.write(objects.toPath(), bytes.toByteArray());

    PCollectionTuple out = read(", max_record_bytes: 1024", array, objects);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", array.getPath() + ":1#1", object("{\"id\": \"a\"}")),
            Document.read("b", array.getPath() + ":4#4", object("{\"id\": \"b\"}")),
            Document.read("c", objects.getPath() + ":1#1", object("{\"id\": \"c\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(array.getPath() + ":2#2", "read", "bad_encoding",
                "record 2 (line 2): not valid UTF-8 at byte 24 of the record (byte 39 of the"
                    + " file): c3 20 61; the original shows U+FFFD in its place",
                JsonNodeFactory.instance.textNode(
                    "{\"id\": \"x\", \"text\": \"caf\ufffd au lait\"}")),
            new Rejected(array.getPath() + ":3#3", "read", "too_large",
                "record 3 (line 3) is 2025 bytes, over input.max_record_bytes (1024); it begins: "
                    + big.substring(0, 100) + "...",
                null),
            new Rejected(objects.getPath() + ":4#2", "read", "bad_encoding",
                "record 2 (line 4): not valid UTF-8 at byte 26 of the record (byte 42 of the"
                    + " file): ed a0 80; the original shows U+FFFD in its place",
                JsonNodeFactory.instance.textNode(
                    "{\n  \"id\": \"y\",\n  \"text\": \"\ufffd\"\n}")));
    pipeline.run();
  }

  @Test
  public void refusesARecordNestedDeeperThanTheLimitAndReadsOn() throws IOException {
    String deep = "{\"id\": \"deep\", \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    // An object holding 999 arrays: 1000 levels, the deepest allowed.
    String deepest = "{\"id\": \"deepest\", \"x\": " + "[".repeat(999) + "]".repeat(999) + "}";
    File lines = write("deep.jsonl", "{\"id\": \"a\"}\n" + deep + "\n" + deepest + "\n");
    File array = write("deep.json", "[{\"id\": \"b\"},\n " + deep + ",\n {\"id\": \"c\"}]\n");
    File shallow = write("shallow.jsonl", "{\"id\": \"d\", \"x\": [[[1]]]}\n");

    PCollectionTuple out = read("", lines, array);
    PCollectionTuple limited = pipeline.apply("Limited",
        ReadDocuments.from(Fixtures.reading(", max_depth: 3", shallow).input()));

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", lines.getPath() + ":1", object("{\"id\": \"a\"}")),
            Document.read("deepest", lines.getPath() + ":3", object(deepest)),
            Document.read("b", array.getPath() + ":1#1", object("{\"id\": \"b\"}")),
            Document.read("c", array.getPath() + ":3#3", object("{\"id\": \"c\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":2", "read", "too_deep",
                "line 2 nests arrays and objects deeper than input.max_depth (1000)",
                JsonNodeFactory.instance.textNode(deep)),
            new Rejected(array.getPath() + ":2#2", "read", "too_deep",
                "record 2 (line 2) nests arrays and objects deeper than input.max_depth (1000)",
                JsonNodeFactory.instance.textNode(deep)));
    PAssert.that(limited.get(ReadDocuments.DOCUMENTS)).empty();
    PAssert.that(limited.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(shallow.getPath() + ":1", "read", "too_deep",
                "line 1 nests arrays and objects deeper than input.max_depth (3)",
                JsonNodeFactory.instance.textNode("{\"id\": \"d\", \"x\": [[[1]]]}")));
    pipeline.run();
  }

  /** A 100 MB string under the default limits: refused, never held whole. */
  @Test
  public void refusesAHundredMegabyteStringUnderTheDefaultLimit() throws IOException {
    File lines = folder.newFile("huge.jsonl");
    String head = "{\"id\": \"huge\", \"text\": \"";
    byte[] chunk = utf8("y".repeat(1 << 20));
    try (OutputStream file = Files.newOutputStream(lines.toPath())) {
      file.write(utf8("{\"id\": \"a\"}\n" + head));
      for (int i = 0; i < 100; i++) {
        file.write(chunk);
      }
      file.write(utf8("\"}\n{\"id\": \"b\"}\n"));
    }
    long length = head.length() + 100L * chunk.length + 2;

    PCollectionTuple out = read("", lines);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(
            Document.read("a", lines.getPath() + ":1", object("{\"id\": \"a\"}")),
            Document.read("b", lines.getPath() + ":3", object("{\"id\": \"b\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected(lines.getPath() + ":2", "read", "too_large",
                "line 2 is " + length + " bytes, over input.max_record_bytes (16777216); it"
                    + " begins: " + head + "y".repeat(100 - head.length()) + "...",
                null));
    pipeline.run();
  }

  /**
   * The race between listing the input and reading it: a file removed after the match is one
   * rejection that says so, one cut short is read as far as it goes. ParseFileFn is given the
   * metadata the match saw, as ReadDocuments gives it.
   */
  @Test
  public void aFileRemovedOrCutShortAfterItWasMatchedCostsOnlyWhatIsGone() throws IOException {
    File gone = write("gone.jsonl", "{\"id\": \"a\"}\n");
    File cut = write("cut.jsonl", "{\"id\": \"b\"}\n{\"id\": \"c\"}\n");
    List<MatchResult.Metadata> matched = List.of(
        FileSystems.matchSingleFileSpec(gone.getPath()), FileSystems.matchSingleFileSpec(cut.getPath()));
    Files.delete(gone.toPath());
    Files.writeString(cut.toPath(), "{\"id\": \"b\"}\n{\"id\"", StandardCharsets.UTF_8);

    PCollectionTuple out = pipeline
        .apply(Create.of(matched).withCoder(MetadataCoderV2.of()))
        .apply(FileIO.readMatches())
        .apply(ParDo.of(new ReadDocuments.ParseFileFn(InputFormat.AUTO, "id", 1 << 20, 1000))
            .withOutputTags(ReadDocuments.DOCUMENTS, TupleTagList.of(Rejected.TAG)));
    out.get(ReadDocuments.DOCUMENTS).setCoder(DocumentCoder.of());
    out.get(Rejected.TAG).setCoder(RejectedCoder.of());

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(Document.read("b", cut.getPath() + ":1", object("{\"id\": \"b\"}")));
    String gonePath = gone.getPath();
    String cutPath = cut.getPath();
    PAssert.that(out.get(Rejected.TAG)).satisfies(rejections -> {
      List<String> seen = new java.util.ArrayList<>();
      for (Rejected rejected : rejections) {
        seen.add(rejected.id() + " " + rejected.reason());
        if (rejected.id().equals(gonePath)) {
          org.junit.Assert.assertEquals("the file was listed but could not be opened: " + gonePath
              + " (No such file or directory) (removed, renamed or not readable by this process)",
              rejected.detail());
        }
      }
      java.util.Collections.sort(seen);
      org.junit.Assert.assertEquals(
          List.of(cutPath + ":2 parse_error", gonePath + " unreadable_file"), seen);
      return null;
    });
    pipeline.run();
  }

  /** A file this process may not read is one rejection; root reads it anyway, so not as root. */
  @Test
  public void aFileWithoutReadPermissionIsOneRejection() throws IOException {
    Assume.assumeFalse("running as root, which reads a file whatever its permissions",
        "root".equals(System.getProperty("user.name")));
    File locked = write("locked.jsonl", "{\"id\": \"a\"}\n");
    File open = write("open.jsonl", "{\"id\": \"b\"}\n");
    org.junit.Assert.assertTrue(locked.setReadable(false, false));

    PCollectionTuple out = read("", locked, open);

    PAssert.that(out.get(ReadDocuments.DOCUMENTS))
        .containsInAnyOrder(Document.read("b", open.getPath() + ":1", object("{\"id\": \"b\"}")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(new Rejected(locked.getPath(), "read", "unreadable_file",
            "the file was listed but could not be opened: " + locked.getPath()
                + " (Permission denied) (removed, renamed or not readable by this process)", null));
    pipeline.run();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
