package dev.trainset.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trainset.model.Style;
import dev.trainset.model.Tokenizer;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The pipeline file (README, "Pipeline file reference") after defaults, overrides and
 * validation: one immutable value, from which each stage takes only its own section. Build it
 * with {@link SpecLoader}. Each section checks what its keys allow beyond their types in its
 * {@code validate} method, whose rules live in a class named for the section ({@link
 * InputRules}, {@link QualityRules}, ...).
 */
public record PipelineSpec(
    String name,
    Input input,
    Fields fields,
    Segment segment,
    Quality quality,
    Weights weights,
    Split split,
    Output output)
    implements Serializable {

  /** The split names the Hub takes: word characters and dots ({@code train}, {@code test.v2}). */
  private static final Pattern HUB_SPLIT = Pattern.compile("\\w+(\\.\\w+)*");

  /** Refuses, with a {@link ConfigException}, a spec the run could not carry out. */
  void validate(Registries registries) {
    if (name.isBlank()) {
      throw ConfigException.notAllowed("name", name, "a non-empty name");
    }
    input.validate();
    fields.validate();
    segment.validate();
    quality.validate();
    weights.validate(registries);
    split.validate();
    output.validate(registries);
    hubSplitNames(registries);
    streaming(registries);
  }

  /** Whether the input never ends: Kafka without {@code max_records}, one export per window. */
  public boolean streaming() {
    return input.kafka() != null && input.kafka().unbounded();
  }

  /** What needs the whole input, which a streaming run never has. */
  private void streaming(Registries registries) {
    if (!streaming()) {
      return;
    }
    for (String format : output.formats()) {
      if (registries.selectsByIndex(format)) {
        throw ConfigException.notAllowed("output.formats", format, "with unbounded input"
            + " (input.kafka.max_records: 0), every format but " + format + ", which numbers"
            + " a whole split; set input.kafka.max_records to read a bounded slice");
      }
    }
    if (!output.onComplete().isEmpty()) {
      throw ConfigException.notAllowed("output.on_complete", output.onComplete(),
          "[] with unbounded input (input.kafka.max_records: 0): on_complete needs an attached"
              + " batch run; a streaming run commits each window with its own _SUCCESS");
    }
  }

  private void hubSplitNames(Registries registries) {
    for (String format : output.formats()) {
      if (!registries.needsHubSplitNames(format)) {
        continue;
      }
      for (String splitName : split.ratios().keySet()) {
        if (!HUB_SPLIT.matcher(splitName).matches()) {
          throw ConfigException.notAllowed("split.ratios", splitName, "with output format "
              + format + ", split names of letters, digits and '_', joined by '.' (as the Hub"
              + " names splits)");
        }
      }
    }
  }

  /** {@code input}: where records come from. */
  public record Input(
      List<String> paths,
      InputFormat format,
      String idField,
      @Nullable Kafka kafka,
      int maxRecordBytes,
      int maxDepth)
      implements Serializable {
    public Input {
      paths = List.copyOf(paths);
    }

    /**
     * The globs of the files to read: {@code paths}, but for {@code huggingface} each dataset
     * folder's Parquet files, {@code <folder>/data/*.parquet} (the Hub's layout, and trainset's
     * {@code huggingface} output); a glob or a {@code .parquet} path is taken as it is.
     */
    public List<String> globs() {
      return format == InputFormat.HUGGINGFACE
          ? paths.stream().map(Input::datasetFiles).toList() : paths;
    }

    static String datasetFiles(String path) {
      if (path.endsWith(".parquet") || path.contains("*") || path.contains("?")
          || path.contains("{") || path.contains("[")) {
        return path;
      }
      return (path.endsWith("/") ? path : path + "/") + "data/*.parquet";
    }

    /** The same settings, reading {@code newPaths}. */
    public Input withPaths(List<String> newPaths) {
      return new Input(newPaths, format, idField, kafka, maxRecordBytes, maxDepth);
    }

    void validate() {
      InputRules.check(this);
    }
  }

  /**
   * {@code input.kafka}: a Kafka topic instead of files. {@code maxRecords > 0} reads a bounded
   * slice as a batch run; {@code properties} are consumer properties passed through as they are
   * (SASL, SSL), whose values may be secrets: {@link #toString} shows their keys only, and no
   * message names a value. With {@code maxRecords == 0} the read is unbounded (a streaming
   * run) and {@code window} cuts it into exports.
   */
  public record Kafka(
      String bootstrapServers,
      List<String> topics,
      String groupId,
      KafkaStart start,
      long maxRecords,
      String window,
      Map<String, String> properties,
      String deadLetterTopic)
      implements Serializable {
    public Kafka {
      topics = List.copyOf(topics);
      deadLetterTopic = deadLetterTopic == null ? "" : deadLetterTopic;
      properties = frozen(properties);
    }

    /** Whether the read never ends: no {@code max_records}, a streaming run. */
    public boolean unbounded() {
      return maxRecords <= 0;
    }

    /** Whether rejected records also go to {@code dead_letter_topic}. */
    public boolean deadLetters() {
      return !deadLetterTopic.isEmpty();
    }

    /** {@code window} as a duration. */
    public java.time.Duration windowDuration() {
      return Durations.parse(window);
    }

    @Override
    public String toString() {
      return "Kafka[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", groupId="
          + groupId + ", start=" + start + ", maxRecords=" + maxRecords + ", window=" + window
          + ", properties=" + properties.keySet() + " (values hidden), deadLetterTopic="
          + deadLetterTopic + "]";
    }
  }

  /** {@code fields}: where each part of an example is found in a record (dotted paths). */
  public record Fields(
      Style style,
      String instruction,
      String input,
      String output,
      String system,
      String messages,
      String user,
      String assistant,
      String text,
      List<String> metadata)
      implements Serializable {
    public Fields {
      metadata = List.copyOf(metadata);
    }

    /**
     * The name of metadata key {@code key}'s field in the Parquet formats' {@code metadata}
     * struct: the key with each character other than an ASCII letter, digit or {@code _} as
     * {@code _}, and {@code _} before a leading digit ({@code state.reward}: {@code
     * state_reward}), as Avro, which writes the files, names fields.
     */
    public static String metadataColumn(String key) {
      String name = key.replaceAll("[^A-Za-z0-9_]", "_");
      return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    void validate() {
      FieldsRules.check(this);
    }
  }

  /** {@code segment}: cutting documents into examples by patterns and turn prefixes. */
  public record Segment(
      boolean enabled,
      String sourceField,
      List<String> instructionPatterns,
      List<String> contextPatterns,
      List<String> outputPatterns,
      Map<String, List<String>> turnPrefixes,
      int minInstructionChars,
      int minOutputChars,
      boolean contextExtraction)
      implements Serializable {
    public Segment {
      instructionPatterns = List.copyOf(instructionPatterns);
      contextPatterns = List.copyOf(contextPatterns);
      outputPatterns = List.copyOf(outputPatterns);
      turnPrefixes = frozen(turnPrefixes);
    }

    /** A segment pattern as Segment compiles it: {@code ^} and {@code $} match at every line. */
    public static Pattern pattern(String regex) {
      return Pattern.compile(regex, Pattern.MULTILINE);
    }

    void validate() {
      SegmentRules.check(this);
    }
  }

  /** {@code quality}: what FilterQuality refuses. */
  public record Quality(
      int minChars,
      int maxChars,
      int maxTokens,
      Tokenizer tokenizer,
      boolean skipEmptyOutput,
      String scoreField,
      double minScore,
      boolean heuristics,
      Signals signals,
      Map<String, Double> tiers,
      Dedup dedup,
      double nearThreshold,
      String dedupTtl)
      implements Serializable {
    public Quality {
      tiers = frozen(tiers);
    }

    /** {@code dedup_ttl}: how long streaming exact dedup remembers a content. */
    public java.time.Duration dedupTtlDuration() {
      return Durations.parse(dedupTtl);
    }

    void validate() {
      QualityRules.check(this);
    }
  }

  /**
   * {@code quality.signals}: the bounds of the heuristic quality signals (with {@code
   * heuristics: true}), in the spirit of the Gopher and C4 rules, set for instruction data.
   */
  public record Signals(
      int minWords,
      int maxWords,
      double minMeanWordLength,
      double maxMeanWordLength,
      double maxSymbolRatio,
      double maxEllipsisLines,
      double maxDuplicateLines,
      double maxTopBigramFraction,
      double minAlphaWords)
      implements Serializable {}

  /**
   * {@code weights}: how ComputeWeights weighs an example. {@code min} and {@code max} (null: no
   * bound) clip the product, then {@code normalize} may rescale it; {@code strategy}
   * names a custom factor (a {@code WeightStrategy} name or class), empty for none.
   */
  public record Weights(
      String field,
      @JsonProperty("default") double defaultWeight,
      boolean byLength,
      Freshness freshness,
      @Nullable Double min,
      @Nullable Double max,
      Normalization normalize,
      String strategy)
      implements Serializable {
    void validate(Registries registries) {
      WeightsRules.check(this, registries);
    }
  }

  /** {@code weights.freshness}: exponential decay by age. */
  public record Freshness(String field, double halfLifeDays, String reference)
      implements Serializable {}

  /** {@code split}: named ratios, stratification and grouping. */
  public record Split(
      Map<String, Double> ratios, String stratifyBy, String groupBy, long seed)
      implements Serializable {
    public Split {
      ratios = frozen(ratios);
    }

    void validate() {
      SplitRules.check(this);
    }
  }

  /** {@code output}: where and how the examples are written. */
  public record Output(
      String dir,
      List<String> formats,
      FileCompression compression,
      long maxRecordsPerFile,
      List<String> partitionBy,
      Jsonl jsonl,
      Chatml chatml,
      Alpaca alpaca,
      Parquet parquet,
      Csv csv,
      Openai openai,
      Text text,
      Tokens tokens,
      List<String> onComplete,
      Select select)
      implements Serializable {
    public Output {
      formats = List.copyOf(formats);
      partitionBy = List.copyOf(partitionBy);
      onComplete = List.copyOf(onComplete);
    }

    void validate(Registries registries) {
      OutputRules.check(this, registries);
    }
  }

  /** {@code output.jsonl}. */
  public record Jsonl(boolean includeMetadata) implements Serializable {}

  /** {@code output.chatml}. */
  public record Chatml(String systemMessage, boolean includeSystem) implements Serializable {}

  /** {@code output.alpaca}. */
  public record Alpaca(boolean includeEmptyInput) implements Serializable {}

  /** {@code output.parquet}. */
  public record Parquet(ParquetCompression compression) implements Serializable {}

  /** {@code output.csv}. */
  public record Csv(boolean flatten, boolean neutralizeFormulas) implements Serializable {}

  /** {@code output.openai}. */
  public record Openai(int maxTokens, Tokenizer tokenizer) implements Serializable {}

  /** {@code output.text}. */
  public record Text(String separator, boolean includeHeaders, int maxLineLength)
      implements Serializable {}

  /**
   * {@code output.tokens}: the encoding, the packed sequence length (0: one example per record),
   * whether {@code content} is the decoded text rather than the ids, and the file format.
   */
  public record Tokens(Tokenizer tokenizer, int seqLen, boolean detokenize, TokensFile fileFormat)
      implements Serializable {
    /** The ids as JSON lines, as before the text and CSV settings existed. */
    public Tokens(Tokenizer tokenizer, int seqLen) {
      this(tokenizer, seqLen, false, TokensFile.JSONL);
    }
  }

  /**
   * {@code output.select}: the tokens format exports only the examples whose index (their rank in
   * the deterministic order of their split) is in {@code [start, end)}; a null end: to the end.
   * Or, with {@code batchSize > 0}, the whole batches listed in {@code batches} (each a batch
   * number {@code "3"} or an inclusive range {@code "10-19"}) of a shuffle of each split seeded
   * with {@code seed}.
   */
  public record Select(long start, @Nullable Long end, int batchSize, List<String> batches,
      long seed) implements Serializable {
    public Select {
      batches = List.copyOf(batches);
    }

    /** An index range only, as before batches existed. */
    public Select(long start, @Nullable Long end) {
      this(start, end, 0, List.of(), 42);
    }

    /** The end as a number: {@link Long#MAX_VALUE} when there is none. */
    public long endOrMax() {
      return end == null ? Long.MAX_VALUE : end;
    }

    /** Whether whole batches are selected rather than an index range. */
    public boolean byBatch() {
      return batchSize > 0;
    }

    /**
     * {@code batches} as inclusive ranges {@code [first, last]}; each entry was checked by the
     * loader to be {@code N} or {@code N-M} with {@code N <= M}.
     */
    public List<long[]> batchRanges() {
      return batches.stream().map(entry -> {
        int dash = entry.indexOf('-');
        return dash < 0
            ? new long[] {Long.parseLong(entry.strip()), Long.parseLong(entry.strip())}
            : new long[] {Long.parseLong(entry.substring(0, dash).strip()),
                Long.parseLong(entry.substring(dash + 1).strip())};
      }).toList();
    }
  }

  /** An unmodifiable copy that keeps the file's key order (Map.copyOf would not). */
  private static <K, V> Map<K, V> frozen(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
