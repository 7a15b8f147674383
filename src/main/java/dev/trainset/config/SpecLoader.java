package dev.trainset.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trainset.model.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a pipeline file and the command line's overrides into one validated {@link
 * PipelineSpec}, or a {@link ConfigException} that names the key, the value and what is allowed.
 *
 * <p>The user's YAML is laid over {@code defaults.yaml}; then {@code --input}, {@code
 * --outputDir}, {@code --formats} and each {@code --set=dotted.key=value} are applied; then the
 * tree is bound to the spec records (unknown keys and wrong types fail here) and checked.
 */
public final class SpecLoader {
  /** Maps whose keys are the user's own names: a user's map replaces the default one whole. */
  private static final Set<String> FREE_FORM_MAPS =
      Set.of("split.ratios", "quality.tiers", "segment.turn_prefixes");

  private static final String KAFKA_DEFAULTS =
      "{bootstrap_servers: 'localhost:9092', topics: [documents], group_id: trainset,"
          + " start: earliest, max_records: 0}";

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final double RATIO_TOLERANCE = 1e-6;
  private static final Pattern HF_SPLIT = Pattern.compile("\\w+(\\.\\w+)*");

  /** YAML forbids a key written twice; unchecked, the last one would silently win. */
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper BINDER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  /** What the command line lays over the pipeline file; empty values change nothing. */
  public record Overrides(
      List<String> input, @Nullable String outputDir, List<String> formats, List<String> set) {
    public static final Overrides NONE = new Overrides(List.of(), null, List.of(), List.of());
  }

  private SpecLoader() {}

  /** Loads {@code yaml} (the pipeline file's text) with {@code overrides} applied. */
  public static PipelineSpec load(String yaml, Overrides overrides, Registries registries) {
    JsonNode user = parseFile(yaml);
    ObjectNode tree = (ObjectNode) merge(defaults(), user, "");
    applyOverrides(tree, overrides);
    PipelineSpec spec = bind(tree);
    validate(spec, registries);
    return spec;
  }

  /**
   * The defaults' {@code output} section with {@code set} (dotted keys) applied and checked: how
   * {@code trainset validate} configures a format to read files, with no pipeline file or input.
   */
  public static PipelineSpec.Output loadOutputSettings(List<String> set, Registries registries) {
    ObjectNode tree = defaults();
    // No input is read; the placeholder only satisfies the input check.
    ((ObjectNode) tree.get("input")).putArray("paths").add("(validate)");
    applyOverrides(tree, new Overrides(List.of(), null, List.of(), set));
    PipelineSpec spec = bind(tree);
    validate(spec, registries);
    return spec.output();
  }

  private static JsonNode parseFile(String yaml) {
    JsonNode user;
    try {
      user = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "pipeline file", "is not valid YAML: " + e.getOriginalMessage() + location(e));
    }
    if (user == null || user.isMissingNode() || user.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!user.isObject()) {
      throw new ConfigException(
          "pipeline file", "must be a mapping of keys (name, input, fields, ...), not " + kind(user));
    }
    return user;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private static ObjectNode defaults() {
    try (InputStream in = SpecLoader.class.getResourceAsStream("defaults.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Objects merge key by key; anything else (and a free-form map) replaces; null keeps. */
  private static JsonNode merge(@Nullable JsonNode base, JsonNode over, String path) {
    if (over == null || over.isNull()) {
      return base;
    }
    if ("input.kafka".equals(path) && over.isObject()) {
      base = readYaml(KAFKA_DEFAULTS);
    }
    if (base == null || !base.isObject() || !over.isObject() || FREE_FORM_MAPS.contains(path)) {
      return over.deepCopy();
    }
    ObjectNode merged = ((ObjectNode) base).deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = merge(merged.get(key), entry.getValue(), path.isEmpty() ? key : path + "." + key);
      if (value != null) {
        merged.set(key, value);
      }
    }
    return merged;
  }

  private static void applyOverrides(ObjectNode tree, Overrides overrides) {
    if (!overrides.input().isEmpty()) {
      ArrayNode paths = JsonNodeFactory.instance.arrayNode();
      overrides.input().forEach(paths::add);
      ((ObjectNode) tree.get("input")).set("paths", paths);
    }
    if (overrides.outputDir() != null && !overrides.outputDir().isEmpty()) {
      ((ObjectNode) tree.get("output")).put("dir", overrides.outputDir());
    }
    if (!overrides.formats().isEmpty()) {
      ArrayNode formats = JsonNodeFactory.instance.arrayNode();
      overrides.formats().forEach(formats::add);
      ((ObjectNode) tree.get("output")).set("formats", formats);
    }
    for (String assignment : overrides.set()) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--set", "value '" + assignment + "' is not allowed; allowed: dotted.key=value");
      }
      setPath(tree, assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
    }
  }

  private static void setPath(ObjectNode tree, String key, String rawValue) {
    String[] parts = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null) {
        child = node.putObject(parts[i]);
      } else if (!child.isObject()) {
        throw new ConfigException(key, "'" + String.join(".", List.of(parts).subList(0, i + 1))
            + "' holds a value, not keys; --set can only set keys of the pipeline file");
      }
      node = (ObjectNode) child;
    }
    // The value is read as YAML, so numbers, booleans, lists and maps keep their types.
    JsonNode value = rawValue.isEmpty() ? JsonNodeFactory.instance.textNode("") : readYaml(rawValue);
    node.set(parts[parts.length - 1], value == null ? JsonNodeFactory.instance.textNode("") : value);
  }

  private static JsonNode readYaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(text);
    }
  }

  private static PipelineSpec bind(ObjectNode tree) {
    try {
      return BINDER.treeToValue(tree, PipelineSpec.class);
    } catch (UnrecognizedPropertyException e) {
      String parent = dotted(e.getPath().subList(0, e.getPath().size() - 1));
      String key = parent.isEmpty() ? e.getPropertyName() : parent + "." + e.getPropertyName();
      Collection<Object> known = e.getKnownPropertyIds();
      String allowed =
          known == null
              ? "see the pipeline file reference"
              : new TreeSet<>(known.stream().map(String::valueOf).toList()).toString();
      throw new ConfigException(
          key, "unknown key; allowed keys" + (parent.isEmpty() ? "" : " under '" + parent + "'")
              + ": " + allowed);
    } catch (MismatchedInputException e) {
      String key = dotted(e.getPath());
      Object value = e instanceof InvalidFormatException ife ? ife.getValue() : at(tree, e.getPath());
      throw new ConfigException(
          key, "value '" + value + "' is not allowed; expected " + expected(e.getTargetType()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(dotted(pathOf(e)), e.getOriginalMessage());
    }
  }

  private static List<JsonMappingException.Reference> pathOf(JsonProcessingException e) {
    return e instanceof JsonMappingException jme ? jme.getPath() : List.of();
  }

  private static String dotted(List<JsonMappingException.Reference> path) {
    StringBuilder key = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        key.append(key.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        key.append('[').append(ref.getIndex()).append(']');
      }
    }
    return key.toString();
  }

  private static Object at(JsonNode tree, List<JsonMappingException.Reference> path) {
    JsonNode node = tree;
    for (JsonMappingException.Reference ref : path) {
      if (node == null) {
        break;
      }
      node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
    }
    return node == null ? "" : node.isValueNode() ? node.asText() : node.toString();
  }

  private static String expected(@Nullable Class<?> type) {
    if (type == null) {
      return "a different kind of value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of keys";
    }
    return "a " + type.getSimpleName();
  }

  private static String kind(JsonNode node) {
    return node.isArray() ? "a list" : "a single value";
  }

  // ---------------------------------------------------------------------------------------
  // What the keys allow, beyond their types.

  private static void validate(PipelineSpec spec, Registries registries) {
    if (spec.name().isBlank()) {
      throw ConfigException.notAllowed("name", spec.name(), "a non-empty name");
    }
    validateInput(spec.input());
    validateFields(spec.fields());
    validateSegment(spec.segment());
    validateQuality(spec.quality());
    validateWeights(spec.weights(), registries);
    validateSplit(spec.split());
    validateOutput(spec.output(), registries);
    validateHuggingface(spec, registries);
  }

  /** The Hub takes split names of word characters and dots only ({@code train}, {@code test.v2}). */
  private static void validateHuggingface(PipelineSpec spec, Registries registries) {
    for (String format : spec.output().formats()) {
      if (!registries.needsHubSplitNames(format)) {
        continue;
      }
      for (String split : spec.split().ratios().keySet()) {
        if (!HF_SPLIT.matcher(split).matches()) {
          throw ConfigException.notAllowed("split.ratios", split, "with output format " + format
              + ", split names of letters, digits and '_', joined by '.' (as the Hub names splits)");
        }
      }
    }
  }

  private static void validateInput(PipelineSpec.Input input) {
    if (input.kafka() != null) {
      throw new ConfigException(
          "input.kafka", "reading from Kafka is not available in this version; use input.paths");
    }
    if (input.paths().isEmpty()) {
      throw new ConfigException(
          "input.paths", "no input given; list file globs under input.paths or pass --input=GLOB");
    }
    for (int i = 0; i < input.paths().size(); i++) {
      if (input.paths().get(i).isBlank()) {
        throw ConfigException.notAllowed("input.paths[" + i + "]", "", "a file path or glob");
      }
    }
    oneOf("input.format", input.format(), List.of("auto", "jsonl", "json", "csv"),
        " (parquet input is not available in this version)");
    nonEmpty("input.id_field", input.idField());
  }

  private static void validateFields(PipelineSpec.Fields fields) {
    oneOf("fields.style", fields.style(), List.of("instruction", "chat", "text"), "");
    switch (fields.style()) {
      case "instruction" -> {
        nonEmpty("fields.instruction", fields.instruction());
        nonEmpty("fields.output", fields.output());
      }
      case "chat" -> {
        if (fields.messages().isEmpty()
            && (fields.user().isEmpty() || fields.assistant().isEmpty())) {
          throw new ConfigException("fields.messages",
              "chat style needs fields.messages, or both fields.user and fields.assistant");
        }
      }
      default -> nonEmpty("fields.text", fields.text());
    }
    for (int i = 0; i < fields.metadata().size(); i++) {
      nonEmpty("fields.metadata[" + i + "]", fields.metadata().get(i));
    }
  }

  private static void validateSegment(PipelineSpec.Segment segment) {
    nonEmpty("segment.source_field", segment.sourceField());
    patterns("segment.instruction_patterns", segment.instructionPatterns());
    patterns("segment.context_patterns", segment.contextPatterns());
    patterns("segment.output_patterns", segment.outputPatterns());
    if (!segment.instructionPatterns().isEmpty() && segment.outputPatterns().isEmpty()) {
      throw new ConfigException("segment.output_patterns",
          "value [] is not allowed with instruction_patterns; allowed: one or more regular"
              + " expressions whose group 1 is an instruction's output");
    }
    if (segment.instructionPatterns().isEmpty()
        && !(segment.outputPatterns().isEmpty() && segment.contextPatterns().isEmpty())) {
      throw new ConfigException("segment.instruction_patterns",
          "value [] is not allowed with output or context patterns; allowed: one or more regular"
              + " expressions whose group 1 is an instruction");
    }
    Map<String, List<String>> prefixes = segment.turnPrefixes();
    for (Map.Entry<String, List<String>> role : prefixes.entrySet()) {
      String key = "segment.turn_prefixes." + role.getKey();
      oneOf("segment.turn_prefixes", role.getKey(), List.of("system", "user", "assistant"), "");
      if (role.getValue() == null || role.getValue().isEmpty()) {
        throw ConfigException.notAllowed(key, role.getValue(), "a list of line prefixes");
      }
      for (String prefix : role.getValue()) {
        if (prefix == null || prefix.isBlank()) {
          throw ConfigException.notAllowed(key, role.getValue(), "prefixes that are not blank");
        }
      }
    }
    if (!prefixes.isEmpty() && !(prefixes.containsKey("user") && prefixes.containsKey("assistant"))) {
      throw ConfigException.notAllowed("segment.turn_prefixes", prefixes,
          "{} (no transcripts), or prefixes for both user and assistant (and optionally system)");
    }
    if (segment.enabled() && segment.instructionPatterns().isEmpty() && prefixes.isEmpty()) {
      throw new ConfigException("segment.enabled", "value 'true' cuts nothing; allowed: true with"
          + " segment.instruction_patterns or segment.turn_prefixes, or false");
    }
    atLeast("segment.min_instruction_chars", segment.minInstructionChars(), 0);
    atLeast("segment.min_output_chars", segment.minOutputChars(), 0);
  }

  /** Each a regular expression Segment can compile, with a group 1 to capture. */
  private static void patterns(String key, List<String> patterns) {
    for (int i = 0; i < patterns.size(); i++) {
      String pattern = patterns.get(i);
      String where = key + "[" + i + "]";
      if (pattern == null || pattern.isEmpty()) {
        throw ConfigException.notAllowed(where, "", "a regular expression with a capture group");
      }
      int groups;
      try {
        groups = PipelineSpec.Segment.pattern(pattern).matcher("").groupCount();
      } catch (PatternSyntaxException e) {
        throw ConfigException.notAllowed(where, pattern, "a Java regular expression ("
            + e.getDescription() + " at index " + e.getIndex() + ")");
      }
      if (groups < 1) {
        throw ConfigException.notAllowed(where, pattern,
            "a regular expression with a capture group: group 1 is the text it captures");
      }
    }
  }

  private static void validateQuality(PipelineSpec.Quality quality) {
    atLeast("quality.min_chars", quality.minChars(), 0);
    atLeast("quality.max_chars", quality.maxChars(), Math.max(1, quality.minChars()));
    atLeast("quality.max_tokens", quality.maxTokens(), 0);
    oneOf("quality.tokenizer", quality.tokenizer(), List.of("cl100k_base", "o200k_base"), "");
    finite("quality.min_score", quality.minScore());
    validateSignals(quality.signals());
    for (Map.Entry<String, Double> tier : quality.tiers().entrySet()) {
      safeName("quality.tiers", tier.getKey());
      if (tier.getKey().equals("untiered")) {
        throw ConfigException.notAllowed("quality.tiers", tier.getKey(),
            "any other name: 'untiered' is the tier of scores below every threshold");
      }
      if (tier.getValue() == null || !Double.isFinite(tier.getValue())) {
        throw ConfigException.notAllowed(
            "quality.tiers." + tier.getKey(), tier.getValue(), "a finite score threshold");
      }
    }
    if (!quality.tiers().isEmpty() && quality.scoreField().isEmpty() && !quality.heuristics()) {
      throw new ConfigException("quality.tiers", "tiers are cut from a score: set"
          + " quality.score_field to the record's score field, or quality.heuristics: true");
    }
    oneOf("quality.dedup", quality.dedup(), List.of("none", "exact", "near"), "");
    if (!(quality.nearThreshold() > 0 && quality.nearThreshold() <= 1)) {
      throw ConfigException.notAllowed(
          "quality.near_threshold", quality.nearThreshold(), "a number in (0, 1]");
    }
  }

  private static void validateSignals(PipelineSpec.Signals signals) {
    atLeast("quality.signals.min_words", signals.minWords(), 0);
    atLeast("quality.signals.max_words", signals.maxWords(), Math.max(1, signals.minWords()));
    if (!(signals.minMeanWordLength() >= 0
        && signals.maxMeanWordLength() >= signals.minMeanWordLength()
        && Double.isFinite(signals.maxMeanWordLength()))) {
      throw ConfigException.notAllowed("quality.signals.max_mean_word_length",
          signals.maxMeanWordLength(), "a finite number >= min_mean_word_length ("
              + signals.minMeanWordLength() + ")");
    }
    fraction("quality.signals.max_symbol_ratio", signals.maxSymbolRatio());
    fraction("quality.signals.max_ellipsis_lines", signals.maxEllipsisLines());
    fraction("quality.signals.max_duplicate_lines", signals.maxDuplicateLines());
    fraction("quality.signals.max_top_bigram_fraction", signals.maxTopBigramFraction());
    fraction("quality.signals.min_alpha_words", signals.minAlphaWords());
  }

  private static void fraction(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw ConfigException.notAllowed(key, value, "a number between 0 and 1");
    }
  }

  private static void validateWeights(PipelineSpec.Weights weights, Registries registries) {
    if (!(Double.isFinite(weights.defaultWeight()) && weights.defaultWeight() >= 0)) {
      throw ConfigException.notAllowed(
          "weights.default", weights.defaultWeight(), "a finite number >= 0");
    }
    PipelineSpec.Freshness freshness = weights.freshness();
    if (!(Double.isFinite(freshness.halfLifeDays()) && freshness.halfLifeDays() > 0)) {
      throw ConfigException.notAllowed(
          "weights.freshness.half_life_days", freshness.halfLifeDays(), "a number of days > 0");
    }
    if (!"now".equals(freshness.reference())
        && Timestamps.parse(freshness.reference()).isEmpty()) {
      throw ConfigException.notAllowed("weights.freshness.reference", freshness.reference(),
          "now, an ISO-8601 date (2025-01-31) or date-time (2025-01-31T00:00:00Z), or epoch"
              + " seconds");
    }
    Double min = weights.min();
    Double max = weights.max();
    if (min != null && !(Double.isFinite(min) && min >= 0)) {
      throw ConfigException.notAllowed("weights.min", min, "null (no bound) or a finite number >= 0");
    }
    if (max != null && !(Double.isFinite(max) && max >= (min == null ? 0 : min))) {
      throw ConfigException.notAllowed("weights.max", max, "null (no bound) or a finite number >= "
          + (min == null ? "0" : "weights.min (" + min + ")"));
    }
    oneOf("weights.normalize", weights.normalize(), List.of("none", "mean"), "");
    if (!weights.strategy().isEmpty() && !registries.isWeightStrategy(weights.strategy())) {
      throw ConfigException.notAllowed("weights.strategy", weights.strategy(),
          "\"\" (none), a registered strategy " + registries.weightStrategies() + ", or the name of a"
              + " class implementing " + registries.weightStrategyType() + " with a public"
              + " no-argument constructor");
    }
  }

  private static void validateSplit(PipelineSpec.Split split) {
    if (split.ratios().isEmpty()) {
      throw ConfigException.notAllowed("split.ratios", "{}", "named ratios, e.g. {train: 0.9, test: 0.1}");
    }
    double sum = 0;
    for (Map.Entry<String, Double> ratio : split.ratios().entrySet()) {
      safeName("split.ratios", ratio.getKey());
      Double value = ratio.getValue();
      if (value == null || !(value >= 0 && value <= 1)) {
        throw ConfigException.notAllowed(
            "split.ratios." + ratio.getKey(), value, "a number between 0 and 1");
      }
      sum += value;
    }
    if (Math.abs(sum - 1.0) > RATIO_TOLERANCE) {
      throw new ConfigException("split.ratios", "value " + split.ratios() + " sums to "
          + (float) sum + "; allowed: ratios that sum to 1");
    }
  }

  private static void validateOutput(PipelineSpec.Output output, Registries registries) {
    nonEmpty("output.dir", output.dir());
    if (output.formats().isEmpty()) {
      throw ConfigException.notAllowed("output.formats", "[]", "one or more of " + registries.formats());
    }
    Set<String> seen = new HashSet<>();
    for (String format : output.formats()) {
      if (!registries.formats().contains(format)) {
        throw ConfigException.notAllowed("output.formats", format, String.join(", ", registries.formats()));
      }
      if (!seen.add(format)) {
        throw ConfigException.notAllowed("output.formats", format, "each format once");
      }
    }
    oneOf("output.compression", output.compression(), List.of("none", "gzip", "zstd"), "");
    atLeast("output.max_records_per_file", output.maxRecordsPerFile(), 0);
    for (int i = 0; i < output.partitionBy().size(); i++) {
      safeName("output.partition_by[" + i + "]", output.partitionBy().get(i));
    }
    oneOf("output.parquet.compression", output.parquet().compression(),
        List.of("snappy", "zstd", "gzip", "none"), "");
    atLeast("output.text.max_line_length", output.text().maxLineLength(), 0);
    atLeast("output.openai.max_tokens", output.openai().maxTokens(), 1);
    oneOf("output.openai.tokenizer", output.openai().tokenizer(),
        List.of("cl100k_base", "o200k_base"), "");
    if (output.text().separator().isEmpty()) {
      throw ConfigException.notAllowed("output.text.separator", "",
          "a non-empty text between two records");
    }
    atLeast("output.tokens.seq_len", output.tokens().seqLen(), 0);
    oneOf("output.tokens.tokenizer", output.tokens().tokenizer(),
        List.of("cl100k_base", "o200k_base"), "");
    atLeast("output.select.start", output.select().start(), 0);
    if (output.select().end() != null && output.select().end() < output.select().start()) {
      throw ConfigException.notAllowed("output.select.end", output.select().end(),
          "a whole number >= output.select.start (" + output.select().start()
              + "), or null for no end");
    }
    boolean selects = output.select().start() > 0 || output.select().end() != null;
    if (selects && output.formats().stream().noneMatch(registries::selectsByIndex)) {
      String selecting = String.join(", ",
          registries.formats().stream().filter(registries::selectsByIndex).toList());
      throw ConfigException.notAllowed("output.select",
          "{start: " + output.select().start() + ", end: " + output.select().end() + "}",
          "the default {start: 0, end: null} when output.formats has no " + selecting
              + " (select applies to the " + selecting + " format only)");
    }
    if (!output.onComplete().isEmpty() && output.onComplete().get(0).isBlank()) {
      throw ConfigException.notAllowed("output.on_complete[0]", output.onComplete().get(0),
          "a program to run (argv, no shell)");
    }
  }

  private static void oneOf(String key, String value, List<String> allowed, String note) {
    if (!allowed.contains(value)) {
      throw ConfigException.notAllowed(key, value, String.join(", ", allowed) + note);
    }
  }

  private static void nonEmpty(String key, String value) {
    if (value == null || value.isBlank()) {
      throw ConfigException.notAllowed(key, value == null ? "" : value, "a non-empty field name");
    }
  }

  private static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw ConfigException.notAllowed(key, value, "a whole number >= " + min);
    }
  }

  private static void finite(String key, double value) {
    if (!Double.isFinite(value)) {
      throw ConfigException.notAllowed(key, value, "a finite number");
    }
  }

  private static void safeName(String key, String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw ConfigException.notAllowed(key, name,
          "names of letters, digits, '_', '-' and '.', starting with a letter or digit");
    }
  }
}
