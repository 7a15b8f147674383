package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import dev.trainset.model.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run, in this JVM on the DirectRunner (its checks on), over a folder of hostile files,
 * one of each kind issue 13 lists: it exits 0, the accounting is exact, every rejection has a
 * reason the catalog lists for its stage, and every exported line is valid UTF-8.
 */
class HostileRunTest {
  @TempDir Path work;

  @Test
  void aFolderOfHostileFilesIsReadToTheEndWithExactAccounting() throws IOException {
    Path in = Files.createDirectories(work.resolve("in"));
    String good = "{\"id\": \"%s\", \"instruction\": \"Name the colour number %s.\","
        + " \"output\": \"It is colour %s, a shade of blue.\"}";
    StringBuilder lines = new StringBuilder("\uFEFF");
    for (int i = 0; i < 6; i++) {
      lines.append(String.format(good, "g" + i, i, i)).append(i % 2 == 0 ? "\n" : "\r\n");
    }
    lines.append("{\"id\": \"lone\", \"instruction\": \"x \\ud800\", \"output\": \"yyyyyyyyyy\"}\n")
        .append("{\"id\": \"deep\", \"x\": ").append("[".repeat(10_000))
        .append("]".repeat(10_000)).append("}\n")
        .append("{\"id\": \"big\", \"instruction\": \"").append("z".repeat(40_000))
        .append("\", \"output\": \"o\"}\n")
        .append("[1, 2]\n{\"id\": \"cut\", \"instruction\": \n\n  \n")
        .append("{\"id\": \"nan\", \"instruction\": \"Weigh this one, please.\", \"output\":"
            + " \"A weight that is not a number.\", \"importance\": \"NaN\"}\n");
    byte[] text = lines.toString().getBytes(StandardCharsets.UTF_8);
    byte[] badByte = "{\"id\": \"latin1\", \"instruction\": \"caf\u00e9 au lait\", \"output\": \"ok\"}\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(in.resolve("lines.jsonl"), concat(text, badByte));

    Files.writeString(in.resolve("array.json"), "[" + String.format(good, "a1", 101, 101) + ",\n {\"id\": \"bad\", \"x\": },\n "
        + String.format(good, "a2", 102, 102) + ",\n \"text\",\n {\"id\": \"deep2\", \"x\": "
        + "{\"a\":".repeat(2000) + "1" + "}".repeat(2000) + "},\n"
        + String.format(good, "a3", 103, 103) + "\n");
    Files.writeString(in.resolve("objects.json"), "{\n  \"id\": \"o1\", \"instruction\":"
        + " \"Objects one after another.\",\n  \"output\": \"Pretty-printed, not in an array.\"\n}\n"
        + "{\n  \"id\": \"o2\",\n  \"instruction\": \"Unclosed\n{\n  \"id\": \"o3\", \"instruction\":"
        + " \"Found again after the bad one.\", \"output\": \"Resynchronised at this line.\"\n}\n");
    Files.write(in.resolve("rows.csv"), concat(
        ("id,instruction,output\r\nc1,\"Say \"\"hi\"\", please\",\"Hello,\nworld, friend\"\r\n"
            + "c2,too,many,cells\r\nc3\r\n").getBytes(StandardCharsets.UTF_8),
        "c4,na\u00efve question here,answer\r\n".getBytes(StandardCharsets.ISO_8859_1),
        ("c5,\"" + "q".repeat(40_000) + "\",big\r\nc6,A plain row with words.,And its answer.\r\n")
            .getBytes(StandardCharsets.UTF_8)));

    byte[] gzip = gzip(lines.toString().getBytes(StandardCharsets.UTF_8));
    Files.write(in.resolve("cut.jsonl.gz"), Arrays.copyOf(gzip, gzip.length * 2 / 3));
    Random random = new Random(13);
    byte[] noise = new byte[4096];
    random.nextBytes(noise);
    Files.write(in.resolve("noise.jsonl.gz"), noise);
    Files.write(in.resolve("noise.jsonl"), noise);
    Files.write(in.resolve("noise.csv"), noise);
    Files.write(in.resolve("noise.json"), noise);
    Files.writeString(in.resolve("mystery.txt"), "what format is this?\n");
    Files.writeString(in.resolve("empty.json"), "");
    Files.writeString(in.resolve("empty.csv"), "");

    Path pipeline = Files.writeString(work.resolve("hostile.yaml"), "name: hostile\n"
        + "input: {paths: ['" + in + "/*'], max_record_bytes: 32768}\n"
        + "fields: {style: instruction}\n"
        + "quality: {min_chars: 5}\n"
        + "weights: {field: importance}\n"
        + "split: {ratios: {train: 0.5, test: 0.5}}\n"
        + "output: {formats: [jsonl, parquet]}\n");
    Path out = work.resolve("out");

    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit = Trainset.run(new String[] {"--pipeline=" + pipeline, "--outputDir=" + out,
            "--runner=DirectRunner"},
        new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));

    assertEquals(0, exit, stderr.toString(StandardCharsets.UTF_8));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());
    long read = stats.get("records_read").asLong();
    assertEquals(read, stats.get("examples_exported").asLong()
        + stats.get("records_rejected").asLong(), stats.toString());

    Map<String, Long> byReason = new TreeMap<>();
    long rejectedLines = 0;
    try (Stream<Path> files = Files.list(out.resolve("_rejected"))) {
      for (Path file : files.toList()) {
        for (String line : strictLines(file)) {
          JsonNode rejected = Json.MAPPER.readTree(line);
          Stage stage = Stage.valueOf(rejected.get("stage").asText().toUpperCase());
          Reason reason = Arrays.stream(Reason.values())
              .filter(r -> r.label().equals(rejected.get("reason").asText())).findFirst()
              .orElseThrow(() -> new AssertionError("not in the catalog: " + rejected));
          assertTrue(reason.isGivenBy(stage), rejected.toString());
          byReason.merge(reason.label(), 1L, Long::sum);
          rejectedLines++;
        }
      }
    }
    assertEquals(stats.get("records_rejected").asLong(), rejectedLines);
    Map<String, Long> counted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = stats.get("rejected_by_reason").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      counted.put(entry.getKey(), entry.getValue().asLong());
    }
    assertEquals(counted, byReason);
    // Each kind of hostile input met its reason.
    Set<String> expected = Set.of("bad_encoding", "too_large", "too_deep", "parse_error",
        "not_an_object", "unreadable_file", "unknown_format", "bad_weight");
    assertTrue(byReason.keySet().containsAll(expected), byReason.toString());

    Set<String> ids = new java.util.TreeSet<>();
    try (Stream<Path> files = Files.walk(out.resolve("jsonl"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        for (String line : strictLines(file)) {
          ids.add(Json.MAPPER.readTree(line).get("id").asText());
        }
      }
    }
    assertEquals(stats.get("examples_exported").asLong(), ids.size());
    // The good records of every file, each once (the cut gzip repeats lines.jsonl's).
    assertEquals(Set.of("g0", "g1", "g2", "g3", "g4", "g5", "a1", "a2", "a3", "o1", "o3", "c1",
        "c6"), ids, () -> ids + " " + rejections(out));
  }

  private static String rejections(Path out) {
    try (Stream<Path> files = Files.list(out.resolve("_rejected"))) {
      StringBuilder all = new StringBuilder();
      for (Path file : files.toList()) {
        for (String line : strictLines(file)) {
          JsonNode rejected = Json.MAPPER.readTree(line);
          if (!rejected.get("id").asText().contains("noise")) {
            all.append("\n").append(rejected.get("id")).append(" ").append(rejected.get("reason"))
                .append(" ").append(rejected.get("detail"));
          }
        }
      }
      return all.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The lines of {@code file}, which must be valid UTF-8. */
  private static java.util.List<String> strictLines(Path file) throws IOException {
    String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    return text.lines().filter(line -> !line.isEmpty()).collect(Collectors.toList());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.toByteArray();
  }
}
