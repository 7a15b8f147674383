package dev.trainset.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.formats.FileCheck;
import dev.trainset.formats.OutputFormat;
import dev.trainset.formats.ReadBack;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The validator: reads files of a format back with the format's {@link FileCheck} (after
 * decompressing them as their name says), and sums what it found per format and per split. The
 * run checks every file it wrote and writes {@code _report/validation.json}; {@code trainset
 * validate} checks any files the same way. Works on any Beam filesystem, one file at a time.
 */
public final class OutputValidation {
  /** At most this many problems are listed per format in validation.json; all are counted. */
  static final int MAX_LISTED = 100;

  /** {@code <split>-SSSSS-of-NNNNN.<ext>}, as WriteFormats names a file. */
  private static final Pattern SHARD = Pattern.compile("^(.+?)-\\d{5}-of-\\d{5}");

  /** What the validator found in the files of one format. */
  public static final class FormatResult {
    private final @Nullable String notChecked;
    private long files;
    private long bytes;
    private long records;
    private final Map<String, Long> recordsBySplit = new LinkedHashMap<>();
    private final Map<String, Long> tokensBySplit = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private FormatResult(@Nullable String notChecked) {
      this.notChecked = notChecked;
    }

    public long files() {
      return files;
    }

    public long records() {
      return records;
    }

    /** Records per split, the split read from each file's name. */
    public Map<String, Long> recordsBySplit() {
      return recordsBySplit;
    }

    /** Tokens per split, for the formats that count them (openai). */
    public Map<String, Long> tokensBySplit() {
      return tokensBySplit;
    }

    /** Every problem, as {@code file:line: problem}. */
    public List<String> problems() {
      return problems;
    }

    /** Why the files were not read back (a format trainset has no reader for), or null. */
    public @Nullable String notChecked() {
      return notChecked;
    }
  }

  private OutputValidation() {}

  /**
   * Reads back {@code files} of {@code format}; each problem names its file relative to {@code
   * base} (the output folder), or as given when it lies elsewhere.
   */
  public static FormatResult check(
      OutputFormat format, List<MatchResult.Metadata> files, String base) {
    FileCheck check = format.fileCheck();
    if (check == null) {
      return notChecked(format.name());
    }
    FormatResult result = new FormatResult(null);
    for (MatchResult.Metadata file : files) {
      String path = file.resourceId().toString();
      String name = !base.isEmpty() && path.startsWith(base + "/")
          ? path.substring(base.length() + 1) : path;
      ReadBack readBack = new ReadBack();
      try (InputStream in = open(file.resourceId())) {
        check.check(in, readBack);
      } catch (IOException | RuntimeException e) {
        readBack.problem(0, "cannot be read: " + e.getMessage());
      }
      result.files++;
      result.bytes += file.sizeBytes();
      result.records += readBack.records();
      String split = splitOf(file.resourceId());
      result.recordsBySplit.merge(split, readBack.records(), Long::sum);
      result.tokensBySplit.merge(split, readBack.tokens(), Long::sum);
      for (ReadBack.Problem problem : readBack.problems()) {
        result.problems.add(name + ":" + problem.line() + ": " + problem.what());
      }
    }
    return result;
  }

  /** The result for a format trainset cannot read back. */
  public static FormatResult notChecked(String format) {
    return new FormatResult("trainset has no reader for the format '" + format + "'");
  }

  /** Compares what was read back with what the run counted (stats.json) for one format. */
  public static void expect(String format, FormatResult result, long written) {
    if (result.notChecked == null && result.records != written) {
      result.problems.add(format + "/:0: " + result.records + " records read back; the run wrote "
          + written + " (stats.json)");
    }
  }

  /** {@code validation.json}: an object whose {@code formats} key holds each format's findings. */
  public static String toJson(Map<String, FormatResult> results) {
    return toJson(results, null);
  }

  /**
   * validation.json: {@code "formats"}, what reading each format's files back found, and beside
   * it {@code "splits"} when given (SplitChecks: ratios and leakage between splits).
   */
  public static String toJson(Map<String, FormatResult> results, @Nullable JsonNode splitChecks) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode formats = root.putObject("formats");
    results.forEach((name, result) -> {
      ObjectNode entry = formats.putObject(name);
      entry.put("checked", result.notChecked == null);
      if (result.notChecked != null) {
        entry.put("reason", result.notChecked);
        return;
      }
      entry.put("files", result.files);
      entry.put("records", result.records);
      entry.put("bytes", result.bytes);
      ObjectNode splits = entry.putObject("splits");
      result.recordsBySplit.forEach(splits::put);
      entry.put("problems", result.problems.size());
      ArrayNode listed = entry.putArray("first_problems");
      result.problems.stream().limit(MAX_LISTED).forEach(listed::add);
    });
    if (splitChecks != null) {
      root.set("splits", splitChecks);
    }
    return pretty(root);
  }

  static String pretty(ObjectNode root) {
    try {
      return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The split a file holds, from its name; the whole name when it is not a shard of a split. */
  static String splitOf(ResourceId file) {
    return splitOf(file.getFilename() == null ? "" : file.getFilename());
  }

  static String splitOf(String name) {
    Matcher shard = SHARD.matcher(name);
    return shard.find() ? shard.group(1) : name;
  }

  private static InputStream open(ResourceId file) throws IOException {
    Compression compression = Compression.detect(file.getFilename() == null ? "" : file.getFilename());
    return Channels.newInputStream(compression.readDecompressed(FileSystems.open(file)));
  }
}
