package dev.trainset.config;

import dev.trainset.Plugins;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainset.config.SpecLoader.Overrides;
import dev.trainset.model.Style;
import dev.trainset.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {
  private static final String INPUT = "input: {paths: [data/*.jsonl]}\n";

  private static PipelineSpec load(String yaml, String... set) {
    return SpecLoader.load(yaml, new Overrides(List.of(), null, List.of(), List.of(set)), Plugins.INSTANCE);
  }

  /** Loads and expects a refusal about {@code key} with exactly {@code message}. */
  private static void assertRefused(String key, String message, String yaml, String... set) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, set));
    assertAll(
        () -> assertEquals(message, e.getMessage()),
        () -> assertEquals(key, e.key()));
  }

  // ---------------------------------------------------------------------------------------
  // Defaults and merging

  @Test
  void appliesEveryDefaultWhenTheFileOnlyNamesInput() {
    PipelineSpec spec = load(INPUT);

    assertEquals("trainset", spec.name());
    assertEquals(new PipelineSpec.Input(List.of("data/*.jsonl"), InputFormat.AUTO, "id", null,
            16_777_216, 1000), spec.input());
    assertEquals(
        new PipelineSpec.Fields(Style.INSTRUCTION, "instruction", "input", "output", "system",
            "messages", "user", "assistant", "text", List.of()),
        spec.fields());
    assertEquals(
        new PipelineSpec.Quality(1, 100000, 0, Tokenizer.CL100K_BASE, true, "", 0.0, false,
            new PipelineSpec.Signals(3, 20000, 2.0, 12.0, 0.25, 0.3, 0.3, 0.3, 0.3), Map.of(),
            Dedup.EXACT, 0.8, "7d"),
        spec.quality());
    assertEquals(
        new PipelineSpec.Weights("", 1.0, false, new PipelineSpec.Freshness("", 365, "now"),
            null, null, Normalization.NONE, ""),
        spec.weights());
    assertEquals(new PipelineSpec.Split(
        Map.of("train", 0.8, "validation", 0.1, "test", 0.1), "", "", 42), spec.split());
    // Map equality ignores order; the split names keep the order the defaults give them.
    assertEquals(
        List.of("train", "validation", "test"), new ArrayList<>(spec.split().ratios().keySet()));
    assertEquals(List.of(0.8, 0.1, 0.1), new ArrayList<>(spec.split().ratios().values()));

    PipelineSpec.Output output = spec.output();
    assertEquals("out/trainset", output.dir());
    assertEquals(List.of("jsonl"), output.formats());
    assertEquals("none", output.compression().configName());
    assertEquals(0, output.maxRecordsPerFile());
    assertEquals(List.of(), output.partitionBy());
    assertEquals(new PipelineSpec.Jsonl(true), output.jsonl());
    assertEquals(new PipelineSpec.Chatml("", true), output.chatml());
    assertEquals(new PipelineSpec.Alpaca(false), output.alpaca());
    assertEquals(new PipelineSpec.Parquet(ParquetCompression.SNAPPY), output.parquet());
    assertEquals(new PipelineSpec.Csv(true, false), output.csv());
    assertEquals(new PipelineSpec.Text("\n---\n", true, 0), output.text());
    assertEquals(new PipelineSpec.Tokens(Tokenizer.CL100K_BASE, 0), output.tokens());
    assertEquals(new PipelineSpec.Openai(65536, Tokenizer.O200K_BASE), output.openai());
    assertEquals(List.of(), output.onComplete());
    assertEquals(new PipelineSpec.Select(0, null), output.select());

    assertEquals(
        Map.of("user", List.of("User:", "Human:"), "assistant", List.of("Assistant:", "AI:")),
        spec.segment().turnPrefixes());
    assertEquals(new PipelineSpec.Segment(false, "text", List.of(), List.of(), List.of(),
        spec.segment().turnPrefixes(), 10, 20, true), spec.segment());
  }

  @Test
  void mergesASectionKeyByKey() {
    PipelineSpec spec =
        load(INPUT + "quality: {min_chars: 5}\noutput: {text: {separator: \"\\n\\n\"}}");

    assertEquals(5, spec.quality().minChars());
    assertEquals(100000, spec.quality().maxChars());
    assertEquals("exact", spec.quality().dedup().configName());
    assertEquals(new PipelineSpec.Text("\n\n", true, 0), spec.output().text());
  }

  @Test
  void aFreeFormMapInTheFileReplacesTheDefaultWhole() {
    PipelineSpec spec = load(INPUT + "split: {ratios: {train: 0.9, test: 0.1}}");

    assertEquals(List.of("train", "test"), new ArrayList<>(spec.split().ratios().keySet()));
    assertEquals(Map.of("train", 0.9, "test", 0.1), spec.split().ratios());
  }

  @Test
  void anEmptyFileIsAllDefaultsButStillNeedsAnInput() {
    PipelineSpec spec =
        SpecLoader.load("", new Overrides(List.of("in.jsonl"), null, List.of(), List.of()), Plugins.INSTANCE);

    assertEquals(List.of("in.jsonl"), spec.input().paths());
    assertEquals("trainset", spec.name());
    assertNull(spec.input().kafka());
  }

  // ---------------------------------------------------------------------------------------
  // Overrides

  @Test
  void commandLineOverridesReplaceInputOutputDirAndFormats() {
    String yaml = "input: {paths: [file.jsonl]}\noutput: {dir: out/file, formats: [jsonl, text]}";
    PipelineSpec spec = SpecLoader.load(yaml, new Overrides(
        List.of("a/*.jsonl", "b.json"), "out/cli", List.of("alpaca"), List.of()), Plugins.INSTANCE);

    assertEquals(List.of("a/*.jsonl", "b.json"), spec.input().paths());
    assertEquals("out/cli", spec.output().dir());
    assertEquals(List.of("alpaca"), spec.output().formats());
  }

  @Test
  void emptyOverridesChangeNothing() {
    String yaml = "input: {paths: [file.jsonl]}\noutput: {dir: out/file, formats: [text]}";
    PipelineSpec spec =
        SpecLoader.load(yaml, new Overrides(List.of(), "", List.of(), List.of()), Plugins.INSTANCE);

    assertEquals(List.of("file.jsonl"), spec.input().paths());
    assertEquals("out/file", spec.output().dir());
    assertEquals(List.of("text"), spec.output().formats());
  }

  @Test
  void setValuesAreReadAsYaml() {
    PipelineSpec spec = load(INPUT,
        "quality.min_chars=5",
        "quality.skip_empty_output=false",
        "output.formats=[alpaca, text]",
        "quality.score_field=",
        "name=2025");

    assertEquals(5, spec.quality().minChars());
    assertEquals(false, spec.quality().skipEmptyOutput());
    // A list only binds if the value was read as YAML, not kept as the text "[alpaca, text]".
    assertEquals(List.of("alpaca", "text"), spec.output().formats());
    assertEquals("", spec.quality().scoreField());
    // Read as the number 2025, bound to a text key as its digits.
    assertEquals("2025", spec.name());
  }

  @Test
  void setOfAFreeFormMapReplacesItWhole() {
    PipelineSpec spec = load(INPUT, "split.ratios={train: 0.9, test: 0.1}");

    assertEquals(List.of("train", "test"), new ArrayList<>(spec.split().ratios().keySet()));
    assertEquals(Map.of("train", 0.9, "test", 0.1), spec.split().ratios());
  }

  @Test
  void setOfOneEntryEditsAFreeFormMapInPlace() {
    PipelineSpec spec = load(INPUT, "split.ratios.train=0.7", "split.ratios.validation=0.2");

    assertEquals(
        List.of("train", "validation", "test"), new ArrayList<>(spec.split().ratios().keySet()));
    assertEquals(List.of(0.7, 0.2, 0.1), new ArrayList<>(spec.split().ratios().values()));
  }

  @Test
  void setWinsOverTheFile() {
    PipelineSpec spec =
        load(INPUT + "quality: {min_chars: 3, max_chars: 50}", "quality.min_chars=4");

    assertEquals(4, spec.quality().minChars());
    assertEquals(50, spec.quality().maxChars());
  }

  // ---------------------------------------------------------------------------------------
  // One test per kind of mistake: the message names the key, the value and what is allowed.

  @Test
  void refusesARecordLimitOutsideItsRange() {
    assertRefused("input.max_record_bytes",
        "input.max_record_bytes: value '100' is not allowed; allowed: a whole number of bytes"
            + " from 1024 to 1073741824",
        "input: {paths: [data/*.jsonl], max_record_bytes: 100}\n");
    assertRefused("input.max_record_bytes",
        "input.max_record_bytes: value '2000000000' is not allowed; allowed: a whole number of"
            + " bytes from 1024 to 1073741824",
        INPUT, "input.max_record_bytes=2000000000");
  }

  @Test
  void refusesTwoMetadataKeysThatWouldShareAParquetField() {
    assertRefused("fields.metadata[1]",
        "fields.metadata[1]: 'state_reward' and 'state.reward' would both be the Parquet metadata"
            + " field 'state_reward' (letters, digits and _ are kept, any other character becomes"
            + " _): rename one",
        "input: {paths: [data/*.jsonl]}\nfields: {metadata: [state.reward, state_reward]}\n");
    assertEquals("_1st_place", PipelineSpec.Fields.metadataColumn("1st place"));
    assertEquals(List.of("state.reward", "lang"),
        load("input: {paths: [data/*.jsonl]}\nfields: {metadata: [state.reward, lang]}\n")
            .fields().metadata());
  }

  @Test
  void refusesADepthLimitOutsideItsRange() {
    assertRefused("input.max_depth",
        "input.max_depth: value '1001' is not allowed; allowed: a whole number of levels from 1"
            + " to 1000",
        INPUT, "input.max_depth=1001");
    assertEquals(3, load(INPUT, "input.max_depth=3").input().maxDepth());
  }

  @Test
  void refusesAnUnknownTopLevelKey() {
    assertRefused("nme",
        "nme: unknown key; allowed keys: [fields, input, name, output, quality, segment, split,"
            + " weights]",
        INPUT + "nme: quickstart");
  }

  @Test
  void refusesAnUnknownNestedKeyListingTheKeysOfItsSection() {
    assertRefused("quality.min_charz",
        "quality.min_charz: unknown key; allowed keys under 'quality': [dedup, dedup_ttl,"
            + " heuristics, max_chars, max_tokens, min_chars, min_score, near_threshold, score_field,"
            + " signals, skip_empty_output, tiers, tokenizer]",
        INPUT + "quality: {min_charz: 3}");
  }

  @Test
  void refusesAnUnknownKeyTwoLevelsDown() {
    assertRefused("weights.freshness.fild",
        "weights.freshness.fild: unknown key; allowed keys under 'weights.freshness': [field,"
            + " half_life_days, reference]",
        INPUT + "weights: {freshness: {fild: date}}");
  }

  @Test
  void refusesAnUnknownKeyGivenBySet() {
    assertRefused("quality.min_charz",
        "quality.min_charz: unknown key; allowed keys under 'quality': [dedup, dedup_ttl,"
            + " heuristics, max_chars, max_tokens, min_chars, min_score, near_threshold, score_field,"
            + " signals, skip_empty_output, tiers, tokenizer]",
        INPUT, "quality.min_charz=3");
  }

  @Test
  void refusesTextForAWholeNumber() {
    assertRefused("quality.min_chars",
        "quality.min_chars: value 'abc' is not allowed; expected a whole number",
        INPUT + "quality: {min_chars: abc}");
  }

  @Test
  void refusesAFractionForAWholeNumber() {
    assertRefused("quality.min_chars",
        "quality.min_chars: value '2.5' is not allowed; expected a whole number",
        INPUT + "quality: {min_chars: 2.5}");
  }

  @Test
  void refusesAWholeNumberTooLargeForItsKey() {
    assertRefused("quality.min_chars",
        "quality.min_chars: Numeric value (99999999999) out of range of int (-2147483648 -"
            + " 2147483647)",
        INPUT + "quality: {min_chars: 99999999999}");
  }

  @Test
  void refusesOtherWrongKindsOfValue() {
    assertRefused("quality.skip_empty_output",
        "quality.skip_empty_output: value 'maybe' is not allowed; expected true or false",
        INPUT + "quality: {skip_empty_output: maybe}");
    assertRefused("quality.min_score",
        "quality.min_score: value 'high' is not allowed; expected a number",
        INPUT + "quality: {min_score: high}");
    assertRefused("output.formats",
        "output.formats: value 'jsonl' is not allowed; expected a list",
        INPUT + "output: {formats: jsonl}");
    assertRefused("quality",
        "quality: value '3' is not allowed; expected a mapping of keys",
        INPUT + "quality: 3");
    assertRefused("fields.metadata[1]",
        "fields.metadata[1]: value '{\"b\":\"c\"}' is not allowed; expected text",
        INPUT + "fields: {metadata: [a, {b: c}]}");
    assertRefused("quality.min_chars",
        "quality.min_chars: value '' is not allowed; expected a whole number",
        INPUT, "quality.min_chars=");
  }

  @Test
  void refusesRatiosThatDoNotSumToOne() {
    assertRefused("split.ratios",
        "split.ratios: value {train=0.5, test=0.4} sums to 0.9; allowed: ratios that sum to 1",
        INPUT + "split: {ratios: {train: 0.5, test: 0.4}}");
  }

  @Test
  void refusesARatioOutsideZeroToOneEvenWhenTheSumIsOne() {
    assertRefused("split.ratios.train",
        "split.ratios.train: value '1.5' is not allowed; allowed: a number between 0 and 1",
        INPUT + "split: {ratios: {train: 1.5, test: -0.5}}");
  }

  @Test
  void refusesAnEditedRatioThatBreaksTheSum() {
    assertRefused("split.ratios",
        "split.ratios: value {train=0.7, validation=0.1, test=0.1} sums to 0.9; allowed: ratios"
            + " that sum to 1",
        INPUT, "split.ratios.train=0.7");
  }

  @Test
  void refusesANegativeRecordCapPerFile() {
    assertRefused("output.max_records_per_file",
        "output.max_records_per_file: value '-1' is not allowed; allowed: a whole number >= 0",
        INPUT + "output: {max_records_per_file: -1}");
    assertEquals(1000, SpecLoader.load(INPUT + "output: {max_records_per_file: 1000}",
        SpecLoader.Overrides.NONE, Plugins.INSTANCE).output().maxRecordsPerFile());
  }

  @Test
  void refusesAFileWithoutInput() {
    assertRefused("input.paths",
        "input.paths: no input given; list file globs under input.paths, pass --input=GLOB or read"
            + " a Kafka topic with input.kafka",
        "name: quickstart");
    assertRefused("input.paths",
        "input.paths: no input given; list file globs under input.paths, pass --input=GLOB or read"
            + " a Kafka topic with input.kafka",
        "input: {paths: []}");
  }

  @Test
  void refusesAStyleOutsideTheEnum() {
    assertRefused("fields.style",
        "fields.style: value 'dialogue' is not allowed; allowed: instruction, chat, text",
        INPUT + "fields: {style: dialogue}");
  }

  @Test
  void refusesADedupModeOutsideTheEnum() {
    assertRefused("quality.dedup",
        "quality.dedup: value 'fuzzy' is not allowed; allowed: none, exact, near",
        INPUT + "quality: {dedup: fuzzy}");
  }

  @Test
  void refusesATierNamedLikeTheTierBelowAllTiers() {
    assertRefused("quality.tiers",
        "quality.tiers: value 'untiered' is not allowed; allowed: any other name: 'untiered' is"
            + " the tier of scores below every threshold",
        INPUT + "quality: {score_field: s, tiers: {high: 0.8, untiered: 0.1}}");
  }

  @Test
  void refusesANearThresholdOutsideTheUnitInterval() {
    assertRefused("quality.near_threshold",
        "quality.near_threshold: value '1.5' is not allowed; allowed: a number in (0, 1]",
        INPUT + "quality: {dedup: near, near_threshold: 1.5}");
  }

  @Test
  void refusesACompressionOutsideTheEnum() {
    assertRefused("output.compression",
        "output.compression: value 'bzip2' is not allowed; allowed: none, gzip, zstd",
        INPUT + "output: {compression: bzip2}");
  }

  @Test
  void refusesAnUnknownOutputFormat() {
    assertRefused("output.formats",
        "output.formats: value 'jsonlines' is not allowed; allowed: jsonl, chatml, alpaca, text,"
            + " sharegpt, openai, anthropic, tokens, prompt_completion, csv, parquet, huggingface",
        INPUT + "output: {formats: [jsonl, jsonlines]}");
  }

  @Test
  void acceptsTheTabularFormatsAndTheirKeys() {
    PipelineSpec.Output output = load(INPUT + "output: {formats: [parquet, huggingface, csv],"
        + " parquet: {compression: zstd}, csv: {flatten: false, neutralize_formulas: true}}").output();
    assertEquals(List.of("parquet", "huggingface", "csv"), output.formats());
    assertEquals(new PipelineSpec.Parquet(ParquetCompression.ZSTD), output.parquet());
    assertEquals(new PipelineSpec.Csv(false, true), output.csv());
  }

  @Test
  void refusesAParquetCompressionOutsideTheEnum() {
    assertRefused("output.parquet.compression",
        "output.parquet.compression: value 'lz4' is not allowed; allowed: snappy, zstd, gzip, none",
        INPUT + "output: {formats: [parquet], parquet: {compression: lz4}}");
  }

  @Test
  void refusesANeutralizeFormulasThatIsNotABoolean() {
    assertRefused("output.csv.neutralize_formulas",
        "output.csv.neutralize_formulas: value 'sometimes' is not allowed; expected true or false",
        INPUT + "output: {formats: [csv], csv: {neutralize_formulas: sometimes}}");
  }

  @Test
  void refusesASplitNameTheHubCannotTakeWithHuggingface() {
    String yaml = INPUT + "split: {ratios: {train: 0.9, dev-set: 0.1}}\n";
    assertRefused("split.ratios",
        "split.ratios: value 'dev-set' is not allowed; allowed: with output format huggingface,"
            + " split names of letters, digits and '_', joined by '.' (as the Hub names splits)",
        yaml + "output: {formats: [jsonl, huggingface]}");
    assertEquals(List.of("jsonl"), load(yaml).output().formats());
  }

  @Test
  void refusesAFormatListedTwice() {
    assertRefused("output.formats",
        "output.formats: value 'jsonl' is not allowed; allowed: each format once",
        INPUT + "output: {formats: [jsonl, chatml, jsonl]}");
  }

  @Test
  void refusesAFreshnessReferenceThatIsNoTimestamp() {
    String allowed = "now, an ISO-8601 date (2025-01-31) or date-time (2025-01-31T00:00:00Z),"
        + " or epoch seconds";
    assertRefused("weights.freshness.reference",
        "weights.freshness.reference: value 'yesterday' is not allowed; allowed: " + allowed,
        INPUT + "weights: {freshness: {reference: yesterday}}");
    assertRefused("weights.freshness.reference",
        "weights.freshness.reference: value '2024-13-01' is not allowed; allowed: " + allowed,
        INPUT + "weights: {freshness: {reference: '2024-13-01'}}");
    // Beyond a long: refused as configuration (exit 2), not a NumberFormatException (exit 1).
    assertRefused("weights.freshness.reference",
        "weights.freshness.reference: value '9999999999999999999' is not allowed; allowed: "
            + allowed,
        INPUT, "weights.freshness.reference=9999999999999999999");
  }

  @Test
  void refusesInvalidYamlWithItsLine() {
    assertRefused("pipeline file",
        "pipeline file: is not valid YAML: mapping values are not allowed here\n"
            + " in 'reader', line 3, column 4:\n"
            + "      b: c\n"
            + "       ^\n"
            + " (line 3)",
        INPUT + "name: a\n  b: c\n");
  }

  @Test
  void refusesAFileThatIsNotAMapping() {
    assertRefused("pipeline file",
        "pipeline file: must be a mapping of keys (name, input, fields, ...), not a list",
        "- input\n- output\n");
  }

  @Test
  void refusesASetWithoutEquals() {
    assertRefused("--set",
        "--set: value 'quality.min_chars' is not allowed; allowed: dotted.key=value",
        INPUT, "quality.min_chars");
    assertRefused("--set",
        "--set: value '=5' is not allowed; allowed: dotted.key=value",
        INPUT, "=5");
  }

  @Test
  void refusesASetBelowAValue() {
    assertRefused("quality.min_chars.x",
        "quality.min_chars.x: 'quality.min_chars' holds a value, not keys; --set can only set"
            + " keys of the pipeline file",
        INPUT, "quality.min_chars.x=5");
  }

  @Test
  void refusesAKeyWrittenTwice() {
    assertRefused("pipeline file",
        "pipeline file: is not valid YAML: Duplicate field 'quality' (line 3)",
        INPUT + "quality: {min_chars: 5}\nquality: {max_chars: 50}\n");
    assertRefused("pipeline file",
        "pipeline file: is not valid YAML: Duplicate field 'min_chars' (line 2)",
        INPUT + "quality: {min_chars: 5, min_chars: 6}\n");
  }

  @Test
  void acceptsTheChatFineTuningFormatsAndACustomOne() {
    // prompt_completion is the test classpath's own format (dev.trainset.testing), found by
    // ServiceLoader as a user's would be.
    PipelineSpec spec = load(INPUT
        + "output: {formats: [openai, anthropic, sharegpt, prompt_completion],"
        + " openai: {max_tokens: 4096, tokenizer: cl100k_base}}");

    assertEquals(List.of("openai", "anthropic", "sharegpt", "prompt_completion"),
        spec.output().formats());
    assertEquals(new PipelineSpec.Openai(4096, Tokenizer.CL100K_BASE), spec.output().openai());
  }

  @Test
  void refusesAnOpenaiTokenizerOutsideTheEnumAndANonPositiveLimit() {
    assertRefused("output.openai.tokenizer",
        "output.openai.tokenizer: value 'gpt2' is not allowed; allowed: cl100k_base, o200k_base",
        INPUT + "output: {openai: {tokenizer: gpt2}}");
    assertRefused("output.openai.max_tokens",
        "output.openai.max_tokens: value '0' is not allowed; allowed: a whole number >= 1",
        INPUT + "output: {openai: {max_tokens: 0}}");
  }

  @Test
  void acceptsTokensWithPackingAndAnIndexRange() {
    PipelineSpec.Output output = load(INPUT + "output: {formats: [tokens],"
        + " tokens: {tokenizer: o200k_base, seq_len: 8}, select: {start: 2, end: 5}}").output();

    assertEquals(List.of("tokens"), output.formats());
    assertEquals(new PipelineSpec.Tokens(Tokenizer.O200K_BASE, 8), output.tokens());
    assertEquals(new PipelineSpec.Select(2, 5L), output.select());
    assertEquals(new PipelineSpec.Select(3, null),
        load(INPUT + "output: {formats: [tokens], select: {start: 3}}").output().select());
  }

  @Test
  void refusesABadTokensSectionAndABadIndexRange() {
    assertRefused("output.tokens.seq_len",
        "output.tokens.seq_len: value '-1' is not allowed; allowed: a whole number >= 0",
        INPUT + "output: {tokens: {seq_len: -1}}");
    assertRefused("output.tokens.tokenizer",
        "output.tokens.tokenizer: value 'gpt2' is not allowed; allowed: cl100k_base, o200k_base",
        INPUT + "output: {tokens: {tokenizer: gpt2}}");
    assertRefused("output.select.start",
        "output.select.start: value '-1' is not allowed; allowed: a whole number >= 0",
        INPUT + "output: {select: {start: -1}}");
    assertRefused("output.select.end",
        "output.select.end: value '4' is not allowed; allowed: a whole number >="
            + " output.select.start (5), or null for no end",
        INPUT + "output: {select: {start: 5, end: 4}}");
    assertRefused("output.select.end",
        "output.select.end: value 'ten' is not allowed; expected a whole number",
        INPUT + "output: {select: {end: ten}}");
    assertRefused("output.select",
        "output.select: value '{start: 0, end: 10}' is not allowed; allowed: the default {start: 0,"
            + " end: null} when output.formats has no tokens (select applies to the tokens format"
            + " only)",
        INPUT + "output: {formats: [jsonl], select: {end: 10}}");
  }

  @Test
  void bindsTheTokenExportSettingsAndBatchSelection() {
    PipelineSpec.Output output = load(INPUT + "output: {formats: [tokens],"
        + " tokens: {detokenize: true, file_format: csv},"
        + " select: {batch_size: 32, batches: [0, 2, '5-9'], seed: 7}}").output();
    assertEquals(new PipelineSpec.Tokens(Tokenizer.CL100K_BASE, 0, true, TokensFile.CSV),
        output.tokens());
    assertEquals(new PipelineSpec.Select(0, null, 32, List.of("0", "2", "5-9"), 7),
        output.select());
    assertEquals(List.of(List.of(0L, 0L), List.of(2L, 2L), List.of(5L, 9L)),
        output.select().batchRanges().stream()
            .map(range -> List.of(range[0], range[1])).toList());
  }

  @Test
  void refusesBatchSelectionsThatCannotBeCarriedOut() {
    String tokens = INPUT + "output: {formats: [tokens], ";
    assertRefused("output.tokens.file_format",
        "output.tokens.file_format: value 'tsv' is not allowed; allowed: jsonl, csv",
        tokens + "tokens: {file_format: tsv}}");
    assertRefused("output.tokens.detokenize",
        "output.tokens.detokenize: value 'yes please' is not allowed; expected true or false",
        tokens + "tokens: {detokenize: yes please}}");
    assertRefused("output.select.batch_size",
        "output.select.batch_size: value '-2' is not allowed; allowed: a whole number >= 0",
        tokens + "select: {batch_size: -2, batches: [0]}}");
    assertRefused("output.select.batch_size",
        "output.select.batch_size: value '0' is not allowed; allowed: a whole number >= 1 when"
            + " output.select.batches is given (the sequences per batch)",
        tokens + "select: {batches: [0]}}");
    assertRefused("output.select.batches",
        "output.select.batches: value '[]' is not allowed; allowed: one or more batch numbers"
            + " (0 is the first) or inclusive ranges like '10-19' when output.select.batch_size"
            + " is set",
        tokens + "select: {batch_size: 32}}");
    assertRefused("output.select.batches[1]",
        "output.select.batches[1]: value '9-3' is not allowed; allowed: a batch number >= 0 or an"
            + " inclusive range 'first-last' with first <= last",
        tokens + "select: {batch_size: 32, batches: [1, '9-3']}}");
    assertRefused("output.select.batches[0]",
        "output.select.batches[0]: value '-1' is not allowed; allowed: a batch number >= 0 or an"
            + " inclusive range 'first-last' with first <= last",
        tokens + "select: {batch_size: 32, batches: [-1]}}");
    assertRefused("output.select",
        "output.select: value '{start: 5, end: null, batch_size: 32}' is not allowed; allowed:"
            + " either an index range (start, end) or whole batches (batch_size, batches), not"
            + " both",
        tokens + "select: {start: 5, batch_size: 32, batches: [0]}}");
    assertRefused("output.select.batch_size",
        "output.select.batch_size: value '32' is not allowed; allowed: 0 when"
            + " output.tokens.seq_len > 0 (batches are drawn from unpacked examples; packed"
            + " sequences are numbered per file)",
        tokens + "tokens: {seq_len: 128}, select: {batch_size: 32, batches: [0]}}");
    assertRefused("output.select.batch_size",
        "output.select.batch_size: value '32' is not allowed; allowed: 0 when output.formats has"
            + " no tokens (batches apply to the tokens format only)",
        INPUT + "output: {formats: [jsonl], select: {batch_size: 32, batches: [0]}}");
  }

  @Test
  void refusesAnEmptyTextSeparator() {
    assertRefused("output.text.separator",
        "output.text.separator: value '' is not allowed; allowed: a non-empty text between two"
            + " records",
        INPUT + "output: {text: {separator: ''}}");
  }

  @Test
  void acceptsAnOnCompleteArgvAndRefusesOneWithoutAProgram() {
    assertEquals(List.of("gsutil", "cp", "-r", "out", "gs://bucket/"),
        load(INPUT + "output: {on_complete: [gsutil, cp, -r, out, 'gs://bucket/']}")
            .output().onComplete());
    assertRefused("output.on_complete[0]",
        "output.on_complete[0]: value ' ' is not allowed; allowed: a program to run (argv, no"
            + " shell)",
        INPUT + "output: {on_complete: [' ', x]}");
    assertRefused("output.on_complete",
        "output.on_complete: value 'echo done' is not allowed; expected a list",
        INPUT + "output: {on_complete: echo done}");
  }

  @Test
  void outputSettingsForValidateNeedNoInput() {
    assertEquals(new PipelineSpec.Openai(100, Tokenizer.O200K_BASE),
        SpecLoader.loadOutputSettings(List.of("output.openai.max_tokens=100"), Plugins.INSTANCE).openai());
    ConfigException e = assertThrows(ConfigException.class,
        () -> SpecLoader.loadOutputSettings(List.of("output.openai.max_tokens=-1"), Plugins.INSTANCE));
    assertEquals("output.openai.max_tokens", e.key());
  }

  // ---------------------------------------------------------------------------------------
  // Segmentation and weights

  private static final String SEGMENT = INPUT + "segment: {enabled: true,"
      + " instruction_patterns: ['^Q: (.+)$'], output_patterns: ['^A: (.+)$']}\n";

  @Test
  void acceptsSegmentationWithPatternsOrTurnPrefixes() {
    PipelineSpec spec = load(SEGMENT, "segment.context_extraction=false");
    assertEquals(new PipelineSpec.Segment(true, "text", List.of("^Q: (.+)$"), List.of(),
        List.of("^A: (.+)$"), spec.segment().turnPrefixes(), 10, 20, false), spec.segment());
    assertEquals(true, load(INPUT + "segment: {enabled: true}").segment().enabled());
  }

  @Test
  void refusesABadRegexNamingThePattern() {
    assertRefused("segment.output_patterns[1]",
        "segment.output_patterns[1]: value '^A: (.+$' is not allowed; allowed: a Java regular"
            + " expression (Unclosed group at index 8)",
        SEGMENT, "segment.output_patterns=['^A: (.+)$', '^A: (.+$']");
  }

  @Test
  void refusesAPatternWithoutACaptureGroup() {
    assertRefused("segment.instruction_patterns[0]",
        "segment.instruction_patterns[0]: value '^Q: .+$' is not allowed; allowed: a regular"
            + " expression with a capture group: group 1 is the text it captures",
        SEGMENT, "segment.instruction_patterns=['^Q: .+$']");
  }

  @Test
  void refusesInstructionPatternsWithoutOutputPatternsAndTheReverse() {
    assertRefused("segment.output_patterns",
        "segment.output_patterns: value [] is not allowed with instruction_patterns; allowed: one"
            + " or more regular expressions whose group 1 is an instruction's output",
        SEGMENT, "segment.output_patterns=[]");
    assertRefused("segment.instruction_patterns",
        "segment.instruction_patterns: value [] is not allowed with output or context patterns;"
            + " allowed: one or more regular expressions whose group 1 is an instruction",
        SEGMENT, "segment.instruction_patterns=[]");
  }

  @Test
  void refusesTurnPrefixesOfUnknownRolesOrWithoutBothSides() {
    assertRefused("segment.turn_prefixes",
        "segment.turn_prefixes: value 'bot' is not allowed; allowed: system, user, assistant",
        SEGMENT, "segment.turn_prefixes={user: ['U:'], bot: ['B:']}");
    assertRefused("segment.turn_prefixes",
        "segment.turn_prefixes: value '{user=[U:]}' is not allowed; allowed: {} (no transcripts),"
            + " or prefixes for both user and assistant (and optionally system)",
        SEGMENT, "segment.turn_prefixes={user: ['U:']}");
    assertRefused("segment.turn_prefixes.user",
        "segment.turn_prefixes.user: value '[U:,  ]' is not allowed; allowed: prefixes that are"
            + " not blank",
        SEGMENT, "segment.turn_prefixes={user: ['U:', ' '], assistant: ['A:']}");
  }

  @Test
  void refusesSegmentationThatCutsNothing() {
    assertRefused("segment.enabled",
        "segment.enabled: value 'true' cuts nothing; allowed: true with"
            + " segment.instruction_patterns or segment.turn_prefixes, or false",
        INPUT + "segment: {enabled: true, turn_prefixes: {}}");
  }

  @Test
  void refusesNegativeSegmentMinimums() {
    assertRefused("segment.min_output_chars",
        "segment.min_output_chars: value '-1' is not allowed; allowed: a whole number >= 0",
        SEGMENT, "segment.min_output_chars=-1");
  }

  @Test
  void acceptsClippingNormalizationAndAStrategy() {
    PipelineSpec spec = load(INPUT + "weights: {min: 0.1, max: 5, normalize: mean,"
        + " strategy: votes}");
    assertEquals(new PipelineSpec.Weights("", 1.0, false,
        new PipelineSpec.Freshness("", 365, "now"), 0.1, 5.0, Normalization.MEAN, "votes"),
        spec.weights());
  }

  @Test
  void refusesClippingBoundsOutOfOrderOrNegative() {
    assertRefused("weights.max",
        "weights.max: value '0.5' is not allowed; allowed: null (no bound) or a finite number >="
            + " weights.min (1.0)",
        INPUT + "weights: {min: 1, max: 0.5}");
    assertRefused("weights.min",
        "weights.min: value '-1.0' is not allowed; allowed: null (no bound) or a finite number"
            + " >= 0",
        INPUT + "weights: {min: -1}");
  }

  @Test
  void refusesANormalizationOutsideTheEnum() {
    assertRefused("weights.normalize",
        "weights.normalize: value 'sum' is not allowed; allowed: none, mean",
        INPUT + "weights: {normalize: sum}");
  }

  @Test
  void refusesAStrategyThatIsNeitherRegisteredNorAStrategyClass() {
    String allowed = "\"\" (none), a registered strategy [votes], or the name of a class"
        + " implementing dev.trainset.weights.WeightStrategy with a public no-argument"
        + " constructor";
    assertRefused("weights.strategy",
        "weights.strategy: value 'popularity' is not allowed; allowed: " + allowed,
        INPUT + "weights: {strategy: popularity}");
    assertRefused("weights.strategy",
        "weights.strategy: value 'java.lang.String' is not allowed; allowed: " + allowed,
        INPUT + "weights: {strategy: java.lang.String}");
  }
}
