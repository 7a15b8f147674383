package dev.trainset.formats;

import static dev.trainset.formats.FormatKind.FOLDER;
import static dev.trainset.formats.FormatKind.INDEXED_TOKENS;
import static dev.trainset.formats.FormatKind.JSON_ARRAY;
import static dev.trainset.formats.FormatKind.JSON_LINES;
import static dev.trainset.formats.FormatKind.PARQUET;
import static dev.trainset.formats.FormatKind.TEXT;

import dev.trainset.config.PipelineSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of output formats: a {@link FormatDescriptor} for each built-in format, then for
 * each a user put on the classpath ({@link OutputFormat.Provider}), then the tabular ones.
 */
public final class Formats {
  private static final Map<String, FormatDescriptor> REGISTRY = registry();

  private Formats() {}

  private static Map<String, FormatDescriptor> registry() {
    List<FormatDescriptor> builtIn = List.of(
        FormatDescriptor.of(JsonlFormat.NAME, JSON_LINES)
            .encodedBy((output, table) -> new JsonlFormat(output)).readBack(true),
        FormatDescriptor.of(ChatmlFormat.NAME, JSON_LINES)
            .encodedBy((output, table) -> new ChatmlFormat(output)).readBack(true)
            .withTrainerLayout(TrainerLayout.MESSAGES),
        FormatDescriptor.of(AlpacaFormat.NAME, JSON_ARRAY)
            .encodedBy((output, table) -> new AlpacaFormat(output)).readBack(true)
            .withTrainerLayout(TrainerLayout.ALPACA),
        FormatDescriptor.of(TextFormat.NAME, TEXT)
            .encodedBy((output, table) -> new TextFormat(output)).readBack(true),
        FormatDescriptor.of(SharegptFormat.NAME, JSON_ARRAY)
            .encodedBy((output, table) -> new SharegptFormat(output)).readBack(true)
            .withTrainerLayout(TrainerLayout.SHAREGPT),
        FormatDescriptor.of(OpenaiFormat.NAME, JSON_LINES)
            .encodedBy((output, table) -> new OpenaiFormat(output)).readBack(true)
            .withTrainerLayout(TrainerLayout.MESSAGES).withSideFiles(SideFile.OPENAI_METADATA),
        FormatDescriptor.of(AnthropicFormat.NAME, JSON_LINES)
            .encodedBy((output, table) -> new AnthropicFormat(output)).readBack(true),
        FormatDescriptor.of(TokensFormat.NAME, INDEXED_TOKENS)
            .encodedBy((output, table) -> new TokensFormat(output)).readBack(true));
    // The tabular formats take their columns from the pipeline file and have no reader here.
    List<FormatDescriptor> tabular = List.of(
        FormatDescriptor.of(CsvFormat.NAME, TEXT).encodedBy(CsvFormat::of).withTable()
            .withSideFiles(SideFile.COMBINED_CSV, SideFile.DATA_DICTIONARY),
        FormatDescriptor.of(ExampleRecords.PARQUET, PARQUET).withTable(),
        FormatDescriptor.of(ExampleRecords.HUGGINGFACE, FOLDER).withTable()
            .withSideFiles(SideFile.DATASET_CARD));

    Map<String, FormatDescriptor> formats = new LinkedHashMap<>();
    builtIn.forEach(format -> formats.put(format.name(), format));
    for (OutputFormat.Provider provider : ServiceLoader.load(OutputFormat.Provider.class)) {
      boolean shadowsTabular = tabular.stream().anyMatch(f -> f.name().equals(provider.name()));
      if (!shadowsTabular && !formats.containsKey(provider.name())) {
        formats.put(provider.name(), custom(provider));
      }
    }
    tabular.forEach(format -> formats.put(format.name(), format));
    return Collections.unmodifiableMap(formats);
  }

  private static FormatDescriptor custom(OutputFormat.Provider provider) {
    if (!provider.kind().encodesEachExample()) {
      throw new IllegalStateException("the output format provider " + provider.getClass().getName()
          + " says its format is " + provider.kind() + "; a custom format is " + JSON_LINES + ", "
          + JSON_ARRAY + " or " + TEXT);
    }
    return FormatDescriptor.of(provider.name(), provider.kind())
        .encodedBy((output, table) -> provider.create(output))
        .readBack(provider.canReadBack());
  }

  /** Every format name {@code output.formats} may hold, in the order messages list them. */
  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** The format named {@code name}, if there is one. */
  public static Optional<FormatDescriptor> find(String name) {
    return Optional.ofNullable(REGISTRY.get(name));
  }

  /** The format named {@code name}; a name {@code output.formats} cannot hold is refused. */
  public static FormatDescriptor descriptor(String name) {
    return find(name).orElseThrow(() ->
        new IllegalArgumentException("no output format named " + name + "; known: " + names()));
  }

  /** The format {@code name} configured from {@code output}; csv takes {@code table}'s columns. */
  public static OutputFormat create(String name, PipelineSpec.Output output, ExampleTable table) {
    return descriptor(name).create(output, table);
  }

  /** The format {@code name}, configured from the {@code output} section. */
  public static OutputFormat create(String name, PipelineSpec.Output output) {
    return descriptor(name).create(output, null);
  }
}
