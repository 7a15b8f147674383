package dev.trainset.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainset.Plugins;
import dev.trainset.config.SpecLoader.Overrides;
import dev.trainset.model.Style;
import dev.trainset.model.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The settings whose values are an enum's constants: each binds every constant by its lower-case
 * name, and refuses anything else with a message that lists exactly the enum's values.
 */
class EnumSettingsTest {
  private static final String INPUT = "input: {paths: [data/*.jsonl]}\n";

  /** One enum setting: its dotted key, its enum, how to read it back, its allowed values. */
  private record Setting(
      String key, Class<? extends Enum<?>> type, Function<PipelineSpec, Enum<?>> read,
      String allowed) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting("input.format", InputFormat.class, spec -> spec.input().format(),
          "auto, jsonl, json, csv, parquet, huggingface"),
      new Setting("fields.style", Style.class, spec -> spec.fields().style(),
          "instruction, chat, text"),
      new Setting("quality.tokenizer", Tokenizer.class, spec -> spec.quality().tokenizer(),
          "cl100k_base, o200k_base"),
      new Setting("quality.dedup", Dedup.class, spec -> spec.quality().dedup(),
          "none, exact, near"),
      new Setting("weights.normalize", Normalization.class, spec -> spec.weights().normalize(),
          "none, mean"),
      new Setting("output.compression", FileCompression.class,
          spec -> spec.output().compression(), "none, gzip, zstd"),
      new Setting("output.tokens.file_format", TokensFile.class,
          spec -> spec.output().tokens().fileFormat(), "jsonl, csv"),
      new Setting("output.parquet.compression", ParquetCompression.class,
          spec -> spec.output().parquet().compression(), "snappy, zstd, gzip, none"),
      new Setting("output.openai.tokenizer", Tokenizer.class,
          spec -> spec.output().openai().tokenizer(), "cl100k_base, o200k_base"),
      new Setting("output.tokens.tokenizer", Tokenizer.class,
          spec -> spec.output().tokens().tokenizer(), "cl100k_base, o200k_base"));

  private static PipelineSpec load(String yaml, String... set) {
    return SpecLoader.load(
        yaml, new Overrides(List.of(), null, List.of(), List.of(set)), Plugins.INSTANCE);
  }

  private static Executable refused(String key, String message, String yaml, String... set) {
    return () -> {
      ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, set), key);
      assertEquals(message, e.getMessage());
      assertEquals(key, e.key());
    };
  }

  private static String lowerCaseNames(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(constant -> constant.name().toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  @Test
  void theAllowedValuesAreTheEnumsConstants() {
    assertAll(SETTINGS.stream().map(setting -> () -> assertEquals(
        setting.allowed(),
        lowerCaseNames(setting.type()),
        setting.key())));
  }

  @Test
  void bindsEveryConstantByItsLowerCaseName() {
    List<Executable> checks = new ArrayList<>();
    for (Setting setting : SETTINGS) {
      for (Enum<?> constant : setting.type().getEnumConstants()) {
        String name = constant.name().toLowerCase(java.util.Locale.ROOT);
        checks.add(() -> assertEquals(
            constant, setting.read().apply(load(INPUT, setting.key() + "=" + name)),
            setting.key() + "=" + name));
      }
    }
    assertAll(checks);
  }

  @Test
  void configNameIsTheNameTheFileWrites() {
    assertAll(
        () -> assertEquals("auto", InputFormat.AUTO.configName()),
        () -> assertEquals("committed", KafkaStart.COMMITTED.configName()),
        () -> assertEquals("near", Dedup.NEAR.configName()),
        () -> assertEquals("mean", Normalization.MEAN.configName()),
        () -> assertEquals("zstd", FileCompression.ZSTD.configName()),
        () -> assertEquals("snappy", ParquetCompression.SNAPPY.configName()),
        () -> assertEquals("o200k_base", Tokenizer.O200K_BASE.configName()),
        () -> assertEquals("chat", Style.CHAT.key()));
  }

  @Test
  void refusesAnUnknownValueListingTheEnumsValues() {
    assertAll(SETTINGS.stream().map(setting -> refused(setting.key(),
        setting.key() + ": value 'bogus' is not allowed; allowed: " + setting.allowed(),
        INPUT, setting.key() + "=bogus")));
  }

  @Test
  void refusesTheConstantsOwnUpperCaseName() {
    assertAll(SETTINGS.stream().map(setting -> {
      String name = setting.type().getEnumConstants()[0].name();
      return refused(setting.key(),
          setting.key() + ": value '" + name + "' is not allowed; allowed: " + setting.allowed(),
          INPUT, setting.key() + "=" + name);
    }));
  }

  @Test
  void refusesNullLikeAnyOtherValueNotListed() {
    assertAll(SETTINGS.stream().map(setting -> refused(setting.key(),
        setting.key() + ": value 'null' is not allowed; allowed: " + setting.allowed(),
        INPUT, setting.key() + "=null")));
  }

  @Test
  void refusesANumberOrABooleanByItsTextAndAListAsNotText() {
    assertAll(
        refused("quality.dedup",
            "quality.dedup: value '1' is not allowed; allowed: none, exact, near",
            INPUT, "quality.dedup=1"),
        refused("quality.dedup",
            "quality.dedup: value 'true' is not allowed; allowed: none, exact, near",
            INPUT, "quality.dedup=true"),
        refused("quality.dedup",
            "quality.dedup: value '[\"exact\"]' is not allowed; expected text",
            INPUT, "quality.dedup=[exact]"),
        refused("input.format",
            "input.format: value 'orc' is not allowed; allowed: auto, jsonl, json, csv, parquet,"
                + " huggingface",
            "input: {paths: [data/*.orc], format: orc}"));
  }

  @Test
  void aKafkaStartIsOneOfItsThreeValues() {
    String kafka = "input: {kafka: {max_records: 5, start: %s}}";
    assertAll(
        refused("input.kafka.start",
            "input.kafka.start: value 'whenever' is not allowed; allowed: earliest, latest,"
                + " committed",
            kafka.formatted("whenever")),
        () -> assertEquals(KafkaStart.COMMITTED,
            load(kafka.formatted("committed")).input().kafka().start()),
        () -> assertEquals(KafkaStart.LATEST,
            load(kafka.formatted("latest")).input().kafka().start()));
  }
}
