package dev.trainset.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.InputFormat;
import dev.trainset.model.Document;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input through the read stage's file readers (the code ReadDocuments runs for
 * each file), a property test on seeded random input: nothing is thrown, every record read is a document or a rejection whose reason the
 * catalog lists for {@code stage=read}, no document holds text that UTF-8 cannot write, and where
 * the number of records is known (input that was generated, not mutated) every one of them is
 * accounted for exactly. Sizes and tries are small, so that the whole class runs in seconds.
 */
class ReadFuzzTest {
  /** Small limits, so that random records cross them. */
  private static final int MAX_RECORD_BYTES = 1024;
  private static final int MAX_DEPTH = 8;
  private static final Set<String> READ_REASONS = Arrays.stream(Reason.values())
      .filter(reason -> reason.isGivenBy(dev.trainset.model.Stage.READ))
      .map(Reason::label)
      .collect(Collectors.toSet());

  // ---------------------------------------------------------------------------------------
  // Properties: each runs TRIES inputs drawn from fixed seeds, so that a failure names the seed
  // that reproduces it (run again with that seed as the first of the loop).

  private static final int TRIES = 300;

  /** Generated JSON lines, some broken on purpose: one output per non-blank line. */
  @Test
  void everyJsonLineIsADocumentOrARejection() {
    forEachSeed(random -> {
      List<String> lines = jsonLines(random);
      byte[] file = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);

      Outputs out = read(file, InputFormat.JSONL);

      out.assertWellFormed();
      long nonBlank = lines.stream().filter(line -> !line.isBlank()).count();
      assertEquals(nonBlank, out.count(), out::toString);
      // A document is its line, parsed: nothing changed on the way.
      for (Document document : out.documents) {
        String origin = document.origin();
        int line = Integer.parseInt(origin.substring(origin.lastIndexOf(':') + 1));
        assertEquals(parse(lines.get(line - 1)), document.fields());
      }
    });
  }

  /** Any bytes at all, read as each format: nothing thrown, every output well formed. */
  @Test
  void anyBytesAreReadWithoutFailing() {
    forEachSeed(random -> {
      byte[] file = random.nextInt(4) == 0 ? randomBytes(random) : mutate(random, validFile(random));
      for (InputFormat format : List.of(InputFormat.JSONL, InputFormat.JSON, InputFormat.CSV)) {
        read(file, format).assertWellFormed();
      }
    });
  }

  /** A JSON array of generated elements: one output per element, whatever the elements hold. */
  @Test
  void everyElementOfABalancedArrayIsADocumentOrARejection() {
    forEachSeed(random -> {
      List<String> elements = balancedElements(random);
      String array = "[" + String.join(random.nextBoolean() ? ",\n  " : ",", elements) + "]\n";

      Outputs out = read(array.getBytes(StandardCharsets.UTF_8), InputFormat.JSON);

      out.assertWellFormed();
      assertEquals(elements.size(), out.count(), () -> array + "\n" + out);
    });
  }

  /** CSV rows of generated cells, quoted where RFC 4180 needs it: one output per row. */
  @Test
  void everyCsvRowIsADocumentOrARejection() {
    forEachSeed(random -> {
      List<List<String>> rows = csvRows(random);
      String csv = "id,text\r\n" + csvText(rows, "\r\n");

      Outputs out = read(csv.getBytes(StandardCharsets.UTF_8), InputFormat.CSV);

      out.assertWellFormed();
      assertEquals(rows.size(), out.count(), () -> csv + "\n" + out);
      // A row of the wrong width is no document; Jackson lets a value of white space and
      // control characters after the last column pass as a trailing comma.
      long rightWidth = rows.stream().filter(row -> row.size() >= 2 && row.subList(2, row.size())
          .stream().allMatch(cell -> cell.chars().allMatch(c -> c <= ' '))).count();
      assertTrue(out.documents.size() <= rightWidth, () -> csv + "\n" + out);
    });
  }

  /** Gzip of JSON lines, cut short or with a byte changed: nothing thrown, outputs well formed. */
  @Test
  void aDamagedGzipCostsOnlyWhatCannotBeRead() {
    forEachSeed(random -> {
      List<String> lines = jsonLines(random);
      byte[] gzip = gzip(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      int at = random.nextInt(gzip.length);
      boolean flip = random.nextBoolean();
      byte[] damaged = flip ? gzip.clone() : Arrays.copyOf(gzip, at);
      if (flip) {
        damaged[at] ^= (byte) (1 + random.nextInt(255));
      }

      Outputs out = new Outputs();
      InputStream in;
      try {
        in = new GZIPInputStream(new ByteArrayInputStream(damaged));
      } catch (IOException e) {
        // The header itself is damaged: opening the file fails, one rejection for it.
        return;
      }
      ReadDocuments.ParseFileFn.read(in, InputFormat.JSONL, out.emitter());

      out.assertWellFormed();
      if (!flip) {
        // A cut gives a prefix: no more records than the whole, and one rejection for the rest.
        long nonBlank = lines.stream().filter(line -> !line.isBlank()).count();
        assertTrue(out.count() <= nonBlank + 1, out::toString);
      }
    });
  }

  /** Runs {@code property} on TRIES generators seeded 0, 1, 2, ...; a failure names its seed. */
  private static void forEachSeed(java.util.function.Consumer<Random> property) {
    for (long seed = 0; seed < TRIES; seed++) {
      try {
        property.accept(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Generators

  private static final String ALPHABET = "abc xyz\"\\,{}[]:\n\t\u00e9\u2603\u00a0";

  /** Short text: ASCII, accents, quotes, escapes, line breaks, control characters, emoji. */
  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(21);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x20)
          : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    if (random.nextInt(10) == 0) {
      text.append("\uD83D\uDE00");
    }
    return text.toString();
  }

  private static String jsonRecord(Random random) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("id", text(random));
    String key = List.of("id", "text", "output").get(random.nextInt(3));
    switch (random.nextInt(5)) {
      case 0 -> record.put(key, random.nextInt());
      case 1 -> record.putNull(key);
      case 2 -> record.put(key, "x".repeat(MAX_RECORD_BYTES + random.nextInt(50)));
      default -> record.put(key, text(random));
    }
    return Json.write(record);
  }

  private static String deep(Random random) {
    int depth = 1 + random.nextInt(2 * MAX_DEPTH);
    return "{\"id\": \"deep\", \"x\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
  }

  /** A record cut short, a lone surrogate escape, a raw control character, a non-object. */
  private static String brokenJson(Random random) {
    if (random.nextBoolean()) {
      String json = jsonRecord(random);
      return json.substring(0, json.length() / 2);
    }
    return pick(random, "{\"id\": \"s\", \"t\": \"\\udc00\"}", "{\"id\": \"c\", \"t\": \"a\u0001b\"}",
        "[1, 2]", "\"just text\"", "{\"id\": 1} trailing", "}", "{");
  }

  private static List<String> jsonLines(Random random) {
    List<String> lines = new ArrayList<>();
    int count = random.nextInt(13);
    for (int i = 0; i < count; i++) {
      lines.add(switch (random.nextInt(3)) {
        case 0 -> jsonRecord(random);
        case 1 -> brokenJson(random);
        default -> pick(random, "", "  ", "\r", jsonRecord(random));
      });
    }
    return lines;
  }

  /** Values whose brackets and quotes balance: each is cut out as one element. */
  private static List<String> balancedElements(Random random) {
    List<String> elements = new ArrayList<>();
    int count = 1 + random.nextInt(10);
    for (int i = 0; i < count; i++) {
      elements.add(switch (random.nextInt(3)) {
        case 0 -> jsonRecord(random);
        case 1 -> deep(random);
        default -> pick(random, "1", "\"text\"", "null", "{\"a\": }", "{\"a\" 1}", "[1, 2]",
            "{\"a\": \"\\ud800\"}");
      });
    }
    return elements;
  }

  private static List<List<String>> csvRows(Random random) {
    List<List<String>> rows = new ArrayList<>();
    int count = random.nextInt(11);
    for (int i = 0; i < count; i++) {
      List<String> row = new ArrayList<>();
      int cells = 1 + random.nextInt(3);
      for (int j = 0; j < cells; j++) {
        row.add(random.nextInt(4) == 0 ? pick(random, "", "\"", ",", "\n", "a\"b") : text(random));
      }
      rows.add(row);
    }
    return rows;
  }

  private static byte[] validFile(Random random) {
    String text = switch (random.nextInt(3)) {
      case 0 -> String.join("\n", jsonLines(random));
      case 1 -> "[" + String.join(",\n ", balancedElements(random)) + "]";
      default -> "id,text\n" + csvText(csvRows(random), "\n");
    };
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(301)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Up to 4 random byte changes: an insertion, a replacement or a deletion. */
  private static byte[] mutate(Random random, byte[] bytes) {
    List<Byte> out = new ArrayList<>();
    for (byte b : bytes) {
      out.add(b);
    }
    int changes = random.nextInt(5);
    for (int i = 0; i < changes; i++) {
      int at = random.nextInt(out.size() + 1);
      byte value = (byte) random.nextInt(256);
      switch (random.nextInt(3)) {
        case 0 -> out.add(at, value);
        case 1 -> {
          if (at < out.size()) {
            out.set(at, value);
          }
        }
        default -> {
          if (at < out.size()) {
            out.remove(at);
          }
        }
      }
    }
    byte[] mutated = new byte[out.size()];
    for (int i = 0; i < mutated.length; i++) {
      mutated[i] = out.get(i);
    }
    return mutated;
  }

  private static String pick(Random random, String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  // ---------------------------------------------------------------------------------------
  // Reading and checking

  private static Outputs read(byte[] file, InputFormat format) {
    Outputs out = new Outputs();
    ReadDocuments.ParseFileFn.read(new ByteArrayInputStream(file), format, out.emitter());
    return out;
  }

  private static JsonNode parse(String line) {
    try {
      ObjectReader reader = JsonLinesFile.oneValue(MAX_DEPTH);
      return reader.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String csvCell(String cell) {
    // An empty row would be a blank line, which is no record: quote empty cells.
    return cell.matches("[^\",\r\n]+") ? cell : "\"" + cell.replace("\"", "\"\"") + "\"";
  }

  private static String csvText(List<List<String>> rows, String lineBreak) {
    return rows.stream()
        .map(row -> row.stream().map(ReadFuzzTest::csvCell).collect(Collectors.joining(",")))
        .map(row -> row + lineBreak)
        .collect(Collectors.joining());
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** What one file's read gave: its documents and rejections. */
  private static final class Outputs implements DoFn.MultiOutputReceiver {
    final List<Document> documents = new ArrayList<>();
    final List<Rejected> rejections = new ArrayList<>();

    RecordEmitter emitter() {
      return new RecordEmitter("fuzz", "id", MAX_RECORD_BYTES, MAX_DEPTH, this,
          Metrics.counter(ReadFuzzTest.class, "documents"));
    }

    long count() {
      return documents.size() + rejections.size();
    }

    void assertWellFormed() {
      for (Rejected rejected : rejections) {
        assertEquals("read", rejected.stage(), rejected::toString);
        assertTrue(READ_REASONS.contains(rejected.reason()), rejected::toString);
        assertTrue(rejected.id().startsWith("fuzz"), rejected::toString);
      }
      for (Document document : documents) {
        // Whatever was exported can be written as UTF-8: no lone surrogate anywhere.
        assertNull(RecordEmitter.loneSurrogate(document.fields(), ""), document::toString);
        assertTrue(document.origin().startsWith("fuzz:"), document::toString);
        byte[] written = Json.write(document.fields()).getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, Lines.decode(written).badByte(), document::toString);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
      return new DoFn.OutputReceiver<T>() {
        @Override
        public void output(T output) {
          if (output instanceof Document document) {
            documents.add(document);
          } else {
            rejections.add((Rejected) output);
          }
        }

        @Override
        public void outputWithTimestamp(T output, Instant timestamp) {
          output(output);
        }
      };
    }

    @Override
    public <T> DoFn.OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String toString() {
      return "documents " + documents + "\nrejections " + rejections;
    }
  }
}
