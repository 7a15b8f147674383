package dev.trainset.read;

import static dev.trainset.testing.Fixtures.object;
import static dev.trainset.testing.Fixtures.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import java.io.File;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
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
    File file = folder.newFile(name);
    Files.writeString(file.toPath(), text, StandardCharsets.UTF_8);
    return file;
  }

  private PCollectionTuple read(String settings, File... files) {
    StringBuilder paths = new StringBuilder();
    for (File file : files) {
      paths.append(paths.length() == 0 ? "" : ", ").append("'").append(file.getPath()).append("'");
    }
    return pipeline.apply(ReadDocuments.from(
        spec("input: {paths: [" + paths + "]" + settings + "}").input()));
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
    try (BufferedReader in = JsonLinesFile.lineReader(Channels.newInputStream(
        Compression.GZIP.readDecompressed(FileChannel.open(gzip.toPath()))))) {
      while (in.readLine() != null) {
        lines++;
      }
    } catch (EOFException expected) {
      // Where the file is cut.
    }
    return lines;
  }
}
