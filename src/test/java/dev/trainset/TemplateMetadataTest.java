package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.ClassInfo;
import com.google.api.services.dataflow.model.ParameterMetadata;
import com.google.api.services.dataflow.model.TemplateMetadata;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code templates/metadata.json} against {@link TrainsetOptions}, one to one: the Flex Template
 * launcher passes each parameter as {@code --name=value}, which Beam accepts only for a property of
 * the options, and a property without a parameter cannot be set from a template run.
 */
class TemplateMetadataTest {
  private static final Path METADATA = Path.of("templates/metadata.json");

  /** The parameters a run cannot do without: trainset has nothing to run without a pipeline file. */
  private static final Set<String> REQUIRED = Set.of("pipeline");

  /**
   * google.dataflow.v1beta3.ParameterType, as Google's API reference lists it, less KAFKA_TOPIC
   * (deprecated there for KAFKA_READ_TOPIC): the client model on the classpath types it as a String.
   */
  private static final Set<String> PARAM_TYPES = Set.of("DEFAULT", "TEXT", "GCS_READ_BUCKET",
      "GCS_WRITE_BUCKET", "GCS_READ_FILE", "GCS_WRITE_FILE", "GCS_READ_FOLDER", "GCS_WRITE_FOLDER",
      "PUBSUB_TOPIC", "PUBSUB_SUBSCRIPTION", "BIGQUERY_TABLE", "JAVASCRIPT_UDF_FILE",
      "SERVICE_ACCOUNT", "MACHINE_TYPE", "KMS_KEY_NAME", "WORKER_REGION", "WORKER_ZONE", "BOOLEAN",
      "ENUM", "NUMBER", "KAFKA_READ_TOPIC", "KAFKA_WRITE_TOPIC");

  /** Values each parameter's regexes must accept, and values they must refuse. */
  private static final Map<String, Samples> SAMPLES = Map.of(
      "outputDir", new Samples(List.of("gs://b/out", "gs://my-bucket/out/quickstart"),
          List.of("/tmp/out", "out/quickstart", "gs://", "s3://b/out", "gs://b/out\nx")),
      "formats", new Samples(List.of("jsonl", "jsonl,chatml", "jsonl,chatml,alpaca,text"),
          List.of("jsonl,,x", "JSONL", "jsonl,", ",jsonl", "jsonl, chatml", "")),
      "set", new Samples(
          List.of("quality.min_score=0.7", "quality.score_field=", "split.ratios={train: 0.8, test: 0.2}"),
          List.of("=3", "quality.min_score", "quality min_score=0.7", "")));

  private record Samples(List<String> good, List<String> bad) {}

  /** A value for each parameter, as a launch would pass it. */
  private static final Map<String, String> LAUNCH_VALUES = Map.of(
      "pipeline", "gs://b/pipelines/quickstart.yaml",
      "input", "gs://b/raw/*.jsonl,gs://b/more/*.jsonl.gz",
      "outputDir", "gs://b/out",
      "formats", "jsonl,chatml",
      "set", "split.ratios={train: 0.8, test: 0.2}");

  private static String text;
  private static TemplateMetadata metadata;

  @BeforeAll
  static void read() throws IOException {
    text = Files.readString(METADATA);
    // The Dataflow API client's own model of the file: a key it does not know stays unknown.
    metadata = GsonFactory.getDefaultInstance().fromString(text, TemplateMetadata.class);
  }

  private static Map<String, ParameterMetadata> parameters() {
    Map<String, ParameterMetadata> byName = new TreeMap<>();
    for (ParameterMetadata parameter : metadata.getParameters()) {
      assertEquals(null, byName.put(parameter.getName(), parameter),
          "parameter named twice: " + parameter.getName());
    }
    return byName;
  }

  /** The properties TrainsetOptions declares itself, not those it inherits from Beam. */
  private static Map<String, Class<?>> ownOptions() throws IntrospectionException {
    Map<String, Class<?>> properties = new TreeMap<>();
    // For an interface the bean introspector sees only its own methods, not its super-interfaces'.
    for (PropertyDescriptor property :
        Introspector.getBeanInfo(TrainsetOptions.class).getPropertyDescriptors()) {
      properties.put(property.getName(), property.getPropertyType());
    }
    return properties;
  }

  @Test
  void everyParameterIsAnOptionAndEveryOptionAParameter() throws IntrospectionException {
    assertEquals(Set.of("formats", "input", "outputDir", "pipeline", "set"), ownOptions().keySet());
    assertEquals(ownOptions().keySet(), parameters().keySet());
  }

  @Test
  void onlyTheRequiredParametersAreNotOptional() {
    Set<String> notOptional = new TreeSet<>();
    for (ParameterMetadata parameter : parameters().values()) {
      assertTrue(parameter.getIsOptional() != null,
          parameter.getName() + ": isOptional spelled out (the service defaults it to false)");
      if (!parameter.getIsOptional()) {
        notOptional.add(parameter.getName());
      }
    }
    assertEquals(REQUIRED, notOptional);
  }

  @Test
  void onlyKeysTheTemplateMetadataFormatKnows() {
    assertEquals("trainset", metadata.getName());
    assertFalse(metadata.getDescription() == null || metadata.getDescription().isBlank());
    assertEquals(Map.of(), metadata.getUnknownKeys(), "template keys; the format's: "
        + ClassInfo.of(TemplateMetadata.class).getNames());
    for (ParameterMetadata parameter : metadata.getParameters()) {
      assertEquals(Map.of(), parameter.getUnknownKeys(), parameter.getName()
          + ": keys the format does not know; its keys: "
          + ClassInfo.of(ParameterMetadata.class).getNames());
      // The service requires these three on every parameter.
      for (String field : List.of(parameter.getName(), parameter.getLabel(), parameter.getHelpText())) {
        assertFalse(field == null || field.isBlank(), parameter.getName() + ": name, label, helpText");
      }
    }
  }

  @Test
  void eachParameterHasATypeTheFormatKnowsAndTheOptionCanTake() throws IntrospectionException {
    Map<String, String> types = new TreeMap<>();
    for (ParameterMetadata parameter : metadata.getParameters()) {
      types.put(parameter.getName(), parameter.getParamType());
    }
    assertEquals(Map.of("formats", "TEXT", "input", "TEXT", "outputDir", "GCS_WRITE_FOLDER",
        "pipeline", "TEXT", "set", "TEXT"), types);
    Map<String, Class<?>> options = ownOptions();
    for (Map.Entry<String, String> type : types.entrySet()) {
      assertTrue(PARAM_TYPES.contains(type.getValue()), type + " is not a ParameterType");
      Class<?> option = options.get(type.getKey());
      boolean numeric = Number.class.isAssignableFrom(option) || (option.isPrimitive()
          && option != boolean.class);
      boolean bool = option == Boolean.class || option == boolean.class;
      assertEquals(numeric, type.getValue().equals("NUMBER"), type + " for a " + option);
      assertEquals(bool, type.getValue().equals("BOOLEAN"), type + " for a " + option);
    }
  }

  @Test
  void regexesAcceptTheGoodSamplesAndRefuseTheBadOnes() {
    Map<String, List<Pattern>> regexes = new TreeMap<>();
    for (ParameterMetadata parameter : metadata.getParameters()) {
      if (parameter.getRegexes() != null) {
        regexes.put(parameter.getName(),
            parameter.getRegexes().stream().map(Pattern::compile).toList());
      }
    }
    // A regex without samples is untested: a new one needs its entry in SAMPLES.
    assertEquals(SAMPLES.keySet(), regexes.keySet());
    for (Map.Entry<String, List<Pattern>> entry : regexes.entrySet()) {
      for (Pattern regex : entry.getValue()) {
        // Anchored, so whole-value and partial matching (whichever the service uses) agree.
        assertTrue(regex.pattern().startsWith("^") && regex.pattern().endsWith("$"),
            entry.getKey() + ": " + regex);
      }
      Samples samples = SAMPLES.get(entry.getKey());
      for (String good : samples.good()) {
        assertTrue(entry.getValue().stream().allMatch(r -> r.matcher(good).matches()),
            entry.getKey() + " must accept '" + good + "'");
      }
      for (String bad : samples.bad()) {
        assertFalse(entry.getValue().stream().allMatch(r -> r.matcher(bad).matches()),
            entry.getKey() + " must refuse '" + bad + "'");
      }
    }
  }

  @Test
  void theFormatsRegexAcceptsEveryRegisteredFormat() {
    Pattern formats = Pattern.compile(parameters().get("formats").getRegexes().get(0));
    String all = String.join(",", Plugins.INSTANCE.formats());
    assertTrue(Plugins.INSTANCE.formats().containsAll(
        List.of("jsonl", "chatml", "alpaca", "text", "parquet", "huggingface", "csv", "tokens")), all);
    assertTrue(formats.matcher(all).matches(), all);
  }

  @Test
  void theLaunchersArgumentsParseAsTrainsetOptions() {
    PipelineOptionsFactory.register(TrainsetOptions.class);
    List<String> args = new ArrayList<>();
    for (String name : parameters().keySet()) {
      assertTrue(LAUNCH_VALUES.containsKey(name), "no launch value for " + name);
      args.add("--" + name + "=" + LAUNCH_VALUES.get(name));
    }
    TrainsetOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation().as(TrainsetOptions.class);
    assertEquals("gs://b/pipelines/quickstart.yaml", options.getPipeline());
    assertEquals(List.of("gs://b/raw/*.jsonl", "gs://b/more/*.jsonl.gz"), options.getInput());
    assertEquals("gs://b/out", options.getOutputDir());
    assertEquals(List.of("jsonl", "chatml"), options.getFormats());
    // One String: Beam keeps its commas (list options are split at them).
    assertEquals("split.ratios={train: 0.8, test: 0.2}", options.getSet());
  }
}
