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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a pipeline file and the command line's overrides into one validated {@link
 * PipelineSpec}, or a {@link ConfigException} that names the key, the value and what is allowed.
 *
 * <p>The user's YAML is laid over {@code defaults.yaml}; then {@code --input}, {@code
 * --outputDir}, {@code --formats} and each {@code --set=dotted.key=value} are applied; then the
 * tree is bound to the spec records (unknown keys, wrong types and enum values outside their enum
 * fail here), and each section checks the rest of what its keys allow ({@code
 * PipelineSpec.validate}).
 */
public final class SpecLoader {
  /** Maps whose keys are the user's own names: a user's map replaces the default one whole. */
  private static final Set<String> FREE_FORM_MAPS =
      Set.of("split.ratios", "quality.tiers", "segment.turn_prefixes", "input.kafka.properties");

  /** Consumer properties: their values may be secrets, so no message may quote them. */
  private static final String KAFKA_PROPERTIES = "input.kafka.properties";

  private static final String KAFKA_DEFAULTS =
      "{bootstrap_servers: 'localhost:9092', topics: [documents], group_id: trainset,"
          + " start: earliest, max_records: 0, window: 5m, properties: {},"
          + " dead_letter_topic: ''}";

  /** YAML forbids a key written twice; unchecked, the last one would silently win. */
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper BINDER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .registerModule(new LowerCaseEnums());

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
    spec.validate(registries);
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
    spec.validate(registries);
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
      if (key.startsWith(KAFKA_PROPERTIES)) {
        throw new ConfigException(key, "the value is not allowed (not shown: it may be a"
            + " secret); expected " + (key.equals(KAFKA_PROPERTIES)
                ? "a mapping of property names to text" : "text"));
      }
      Object value = e instanceof InvalidFormatException ife ? ife.getValue() : at(tree, e.getPath());
      if (e.getTargetType() != null && e.getTargetType().isEnum()) {
        throw ConfigException.notAllowed(key, value, Checks.allowed(e.getTargetType()));
      }
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
}
