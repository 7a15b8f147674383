package dev.trainset.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.Plugins;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configuration asks the registries which formats need Hub split names and which select by
 * index, rather than knowing format names itself.
 */
class RegistriesTest {
  private static final String INPUT = "input: {paths: [data/*.jsonl]}\n";

  /** The build's registries, except that parquet publishes to the Hub and jsonl selects. */
  private static final Registries SWAPPED = new Registries() {
    @Override
    public List<String> formats() {
      return Plugins.INSTANCE.formats();
    }

    @Override
    public List<String> weightStrategies() {
      return Plugins.INSTANCE.weightStrategies();
    }

    @Override
    public boolean isWeightStrategy(String name) {
      return Plugins.INSTANCE.isWeightStrategy(name);
    }

    @Override
    public String weightStrategyType() {
      return Plugins.INSTANCE.weightStrategyType();
    }

    @Override
    public boolean needsHubSplitNames(String format) {
      return format.equals("parquet");
    }

    @Override
    public boolean selectsByIndex(String format) {
      return format.equals("jsonl");
    }
  };

  @Test
  void theBuildsHubFormatIsHuggingfaceAndItsIndexedFormatIsTokens() {
    assertAll(
        () -> assertTrue(Plugins.INSTANCE.needsHubSplitNames("huggingface")),
        () -> assertFalse(Plugins.INSTANCE.needsHubSplitNames("parquet")),
        () -> assertTrue(Plugins.INSTANCE.selectsByIndex("tokens")),
        () -> assertFalse(Plugins.INSTANCE.selectsByIndex("jsonl")));
  }

  @Test
  void splitNamesAreCheckedForTheFormatTheRegistriesName() {
    String yaml = INPUT + "split: {ratios: {train: 0.9, dev-set: 0.1}}\n";
    ConfigException e = assertThrows(ConfigException.class, () ->
        SpecLoader.load(yaml + "output: {formats: [parquet]}", SpecLoader.Overrides.NONE, SWAPPED));
    assertEquals("split.ratios: value 'dev-set' is not allowed; allowed: with output format"
        + " parquet, split names of letters, digits and '_', joined by '.' (as the Hub names"
        + " splits)", e.getMessage());
    assertEquals(List.of("huggingface"), SpecLoader.load(yaml + "output: {formats: [huggingface]}",
        SpecLoader.Overrides.NONE, SWAPPED).output().formats());
  }

  @Test
  void selectNeedsAFormatTheRegistriesSaySelectsByIndex() {
    ConfigException e = assertThrows(ConfigException.class, () -> SpecLoader.load(
        INPUT + "output: {formats: [tokens], select: {end: 10}}", SpecLoader.Overrides.NONE,
        SWAPPED));
    assertEquals("output.select: value '{start: 0, end: 10}' is not allowed; allowed: the default"
        + " {start: 0, end: null} when output.formats has no jsonl (select applies to the jsonl"
        + " format only)", e.getMessage());
    assertEquals(10L, SpecLoader.load(INPUT + "output: {formats: [jsonl], select: {end: 10}}",
        SpecLoader.Overrides.NONE, SWAPPED).output().select().end());
  }
}
