package dev.trainset.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.config.PipelineSpec;
import dev.trainset.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry's descriptors: what each format is, so that no caller compares names. */
class FormatsTest {
  private static final PipelineSpec.Output OUTPUT = Fixtures.spec("").output();

  @Test
  void namesListTheBuiltInsThenTheCustomOnesThenTheTabularOnes() {
    assertEquals(List.of("jsonl", "chatml", "alpaca", "text", "sharegpt", "openai", "anthropic",
        "tokens", "prompt_completion", "csv", "parquet", "huggingface"), Formats.names());
  }

  @Test
  void eachFormatSaysItsKind() {
    Map<String, FormatKind> kinds = new LinkedHashMap<>();
    Formats.names().forEach(name -> kinds.put(name, Formats.descriptor(name).kind()));
    assertEquals(Map.ofEntries(
        Map.entry("jsonl", FormatKind.JSON_LINES), Map.entry("chatml", FormatKind.JSON_LINES),
        Map.entry("alpaca", FormatKind.JSON_ARRAY), Map.entry("text", FormatKind.TEXT),
        Map.entry("sharegpt", FormatKind.JSON_ARRAY), Map.entry("openai", FormatKind.JSON_LINES),
        Map.entry("anthropic", FormatKind.JSON_LINES),
        Map.entry("tokens", FormatKind.INDEXED_TOKENS),
        // The test classpath's own format, which says nothing of its kind.
        Map.entry("prompt_completion", FormatKind.JSON_LINES),
        Map.entry("csv", FormatKind.TEXT), Map.entry("parquet", FormatKind.PARQUET),
        Map.entry("huggingface", FormatKind.FOLDER)), kinds);
  }

  @Test
  void sideFilesAreTheOnesARunWrites() {
    Map<String, Set<SideFile>> sideFiles = new LinkedHashMap<>();
    for (String name : Formats.names()) {
      if (!Formats.descriptor(name).sideFiles().isEmpty()) {
        sideFiles.put(name, Formats.descriptor(name).sideFiles());
      }
    }
    assertEquals(Map.of(
        "chatml", Set.of(SideFile.TRAINER_HANDOFF),
        "alpaca", Set.of(SideFile.TRAINER_HANDOFF),
        "sharegpt", Set.of(SideFile.TRAINER_HANDOFF),
        "openai", Set.of(SideFile.TRAINER_HANDOFF, SideFile.OPENAI_METADATA),
        "csv", Set.of(SideFile.COMBINED_CSV, SideFile.DATA_DICTIONARY),
        "huggingface", Set.of(SideFile.DATASET_CARD)), sideFiles);
    assertEquals(Optional.of(TrainerLayout.ALPACA), Formats.descriptor("alpaca").trainerLayout());
    assertEquals(Optional.of(TrainerLayout.SHAREGPT),
        Formats.descriptor("sharegpt").trainerLayout());
    assertEquals(Optional.of(TrainerLayout.MESSAGES), Formats.descriptor("openai").trainerLayout());
    assertEquals(Optional.empty(), Formats.descriptor("jsonl").trainerLayout());
  }

  @Test
  void theTextFormatsAreReadBackAndTheTabularAndCustomOnesAreNot() {
    for (String name : List.of("jsonl", "chatml", "alpaca", "text", "sharegpt", "openai",
        "anthropic", "tokens")) {
      FormatDescriptor format = Formats.descriptor(name);
      assertTrue(format.canReadBack(), name);
      assertEquals(name, format.reader(OUTPUT).orElseThrow().name());
    }
    for (String name : List.of("csv", "parquet", "huggingface")) {
      assertFalse(Formats.descriptor(name).canReadBack(), name);
      assertEquals(Optional.empty(), Formats.descriptor(name).reader(OUTPUT), name);
    }
    // A provider that says nothing may be read back, but its format has no file check.
    assertEquals(Optional.empty(), Formats.descriptor("prompt_completion").reader(OUTPUT));
  }

  @Test
  void answersWhatTheConfigurationAsksOfAFormat() {
    for (String name : Formats.names()) {
      FormatDescriptor format = Formats.descriptor(name);
      assertEquals(name.equals("huggingface"), format.needsHubSplitNames(), name);
      assertEquals(name.equals("tokens"), format.selectsByIndex(), name);
      assertEquals(Set.of("csv", "parquet", "huggingface").contains(name), format.needsTable(),
          name);
    }
  }

  @Test
  void huggingfaceKeepsItsDataUnderDataAndUnpartitioned() {
    assertEquals("huggingface/data", Formats.descriptor("huggingface").dataFolder());
    assertFalse(Formats.descriptor("huggingface").partitioned());
    assertEquals("parquet", Formats.descriptor("parquet").dataFolder());
    assertTrue(Formats.descriptor("parquet").partitioned());
  }

  @Test
  void theParquetFormatsAreNotEncodedOneExampleAtATime() {
    assertThrows(IllegalArgumentException.class,
        () -> Formats.descriptor("parquet").create(OUTPUT, null));
    assertThrows(IllegalArgumentException.class,
        () -> Formats.descriptor("csv").create(OUTPUT, null));
    assertThrows(IllegalArgumentException.class, () -> Formats.descriptor("nope"));
  }
}
