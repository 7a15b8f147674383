package dev.trainset.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.formats.FileCheck;
import dev.trainset.formats.OutputFormat;
import dev.trainset.formats.ReadBack;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * validate} checks any files the same way. Works on any Beam filesystem; a run reads each file
 * where it is ({@link #checkFile}) and sums the results ({@link #combine}).
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
    private long problemCount;
    private final List<String> warnings = new ArrayList<>();

    private FormatResult(@Nullable String notChecked) {
      this.notChecked = notChecked;
    }

    private void add(FileResult file) {
      files++;
      bytes += file.bytes();
      records += file.records();
      recordsBySplit.merge(file.split(), file.records(), Long::sum);
      tokensBySplit.merge(file.split(), file.tokens(), Long::sum);
      problems.addAll(file.problems());
      problemCount += file.problemCount();
      file.warnings().forEach(warning -> warnings.add(file.name() + ": " + warning));
    }

    private void problem(String problem) {
      problems.add(problem);
      problemCount++;
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

    /**
     * The problems, as {@code file:line: problem}: every one from {@link #check}, the first
     * {@link #MAX_LISTED} of each file from {@link #checkFile}.
     */
    public List<String> problems() {
      return problems;
    }

    /**
     * What a consumer of the files may refuse although every record is valid, as {@code file:
     * warning} (an OpenAI training file of fewer than 10 examples); not problems.
     */
    public List<String> warnings() {
      return warnings;
    }

    /** How many problems were found, listed or not. */
    public long problemCount() {
      return problemCount;
    }

    /** Why the files were not read back (a format trainset has no reader for), or null. */
    public @Nullable String notChecked() {
      return notChecked;
    }
  }

  private OutputValidation() {}

  /**
   * What reading one file back found: its records and tokens, the split its name says, its
   * problems (each named {@code file:line: problem}; at most {@link #MAX_LISTED} kept, all
   * counted), the top-level keys its records use (sorted, each with the records that have it) and
   * its warnings. Made where the file
   * is, on a worker; {@link #combine} sums them per format.
   */
  public record FileResult(String name, long bytes, long records, String split, long tokens,
      List<String> problems, long problemCount, Map<String, Long> keys, List<String> warnings)
      implements Serializable {
    public FileResult {
      problems = List.copyOf(problems);
      keys = Collections.unmodifiableMap(new TreeMap<>(keys));
      warnings = List.copyOf(warnings);
    }

    /** The same file, {@code size} bytes long (a reader sees the decompressed bytes only). */
    public FileResult withBytes(long size) {
      return new FileResult(name, size, records, split, tokens, problems, problemCount, keys,
          warnings);
    }
  }

  /**
   * Reads back {@code files} of {@code format}; each problem names its file relative to {@code
   * base} (the output folder), or as given when it lies elsewhere. Every problem is listed.
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
      result.add(fileResult(name, file.sizeBytes(), splitOf(file.resourceId()), readBack,
          Integer.MAX_VALUE));
    }
    return result;
  }

  /**
   * Reads one file back with {@code check} from {@code in} (its decompressed bytes); {@code name}
   * is how problems name it, {@code bytes} its size. Keeps the first {@link #MAX_LISTED}
   * problems: validation.json lists no more per format.
   */
  public static FileResult checkFile(FileCheck check, InputStream in, String name, long bytes) {
    ReadBack readBack = new ReadBack();
    try {
      check.check(in, readBack);
    } catch (IOException | RuntimeException e) {
      readBack.problem(0, "cannot be read: " + e.getMessage());
    }
    return fileResult(name, bytes, splitOf(name.substring(name.lastIndexOf('/') + 1)), readBack,
        MAX_LISTED);
  }

  private static FileResult fileResult(
      String name, long bytes, String split, ReadBack readBack, int listed) {
    List<String> problems = new ArrayList<>();
    for (ReadBack.Problem problem : readBack.problems()) {
      if (problems.size() < listed) {
        problems.add(name + ":" + problem.line() + ": " + problem.what());
      }
    }
    return new FileResult(name, bytes, readBack.records(), split, readBack.tokens(), problems,
        readBack.problems().size(), readBack.keys(), readBack.warnings());
  }

  /** The files of one format read back, summed in the order given (sort them by name). */
  public static FormatResult combine(List<FileResult> files) {
    FormatResult result = new FormatResult(null);
    files.forEach(result::add);
    return result;
  }

  /** The result for a format trainset cannot read back. */
  public static FormatResult notChecked(String format) {
    return new FormatResult("trainset has no reader for the format '" + format + "'");
  }

  /** Compares what was read back with what the run counted (stats.json) for one format. */
  public static void expect(String format, FormatResult result, long written) {
    if (result.notChecked == null && result.records != written) {
      result.problem(format + "/:0: " + result.records + " records read back; the run wrote "
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
      entry.put("problems", result.problemCount);
      ArrayNode listed = entry.putArray("first_problems");
      result.problems.stream().limit(MAX_LISTED).forEach(listed::add);
      ArrayNode warnings = entry.putArray("warnings");
      result.warnings.forEach(warnings::add);
    });
    if (splitChecks != null) {
      root.set("splits", splitChecks);
    }
    return Json.pretty(root);
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
