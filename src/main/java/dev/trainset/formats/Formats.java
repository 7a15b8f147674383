package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/** The registry of output formats: the built-in ones, then any a user put on the classpath. */
public final class Formats {
  private static final Map<String, Function<PipelineSpec.Output, OutputFormat>> REGISTRY =
      registry();

  private Formats() {}

  private static Map<String, Function<PipelineSpec.Output, OutputFormat>> registry() {
    Map<String, Function<PipelineSpec.Output, OutputFormat>> formats = new LinkedHashMap<>();
    formats.put(JsonlFormat.NAME, JsonlFormat::new);
    formats.put(ChatmlFormat.NAME, ChatmlFormat::new);
    formats.put(AlpacaFormat.NAME, AlpacaFormat::new);
    formats.put(TextFormat.NAME, TextFormat::new);
    formats.put(SharegptFormat.NAME, SharegptFormat::new);
    formats.put(OpenaiFormat.NAME, OpenaiFormat::new);
    formats.put(AnthropicFormat.NAME, AnthropicFormat::new);
    formats.put(TokensFormat.NAME, TokensFormat::new);
    for (OutputFormat.Provider provider : ServiceLoader.load(OutputFormat.Provider.class)) {
      formats.putIfAbsent(provider.name(), provider::create);
    }
    return Collections.unmodifiableMap(formats);
  }

  /** Every format name {@code output.formats} may hold. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(REGISTRY.keySet());
    names.add(CsvFormat.NAME);
    names.addAll(ExampleRecords.FORMATS);
    return List.copyOf(names);
  }

  /**
   * The text format {@code name}; {@code csv} takes its columns from {@code table}. The Parquet
   * formats ({@link ExampleRecords#FORMATS}) are not text formats and have none.
   */
  public static OutputFormat create(String name, PipelineSpec.Output output, ExampleTable table) {
    return CsvFormat.NAME.equals(name) ? CsvFormat.of(output, table) : create(name, output);
  }

  /** The format {@code name}, configured from the {@code output} section. */
  public static OutputFormat create(String name, PipelineSpec.Output output) {
    Function<PipelineSpec.Output, OutputFormat> factory = REGISTRY.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("no output format named " + name + "; known: " + names());
    }
    return factory.apply(output);
  }
}
