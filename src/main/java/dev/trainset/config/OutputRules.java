package dev.trainset.config;

import static dev.trainset.config.Checks.atLeast;
import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;
import static dev.trainset.config.Checks.safeName;

import dev.trainset.model.Tokenizer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the {@code output} section and each format's settings allow. */
final class OutputRules {
  private OutputRules() {}

  static void check(PipelineSpec.Output output, Registries registries) {
    nonEmpty("output.dir", output.dir());
    formats(output.formats(), registries);
    oneOf("output.compression", output.compression(), FileCompression.class);
    atLeast("output.max_records_per_file", output.maxRecordsPerFile(), 0);
    for (int i = 0; i < output.partitionBy().size(); i++) {
      safeName("output.partition_by[" + i + "]", output.partitionBy().get(i));
    }
    oneOf("output.parquet.compression", output.parquet().compression(), ParquetCompression.class);
    atLeast("output.text.max_line_length", output.text().maxLineLength(), 0);
    atLeast("output.openai.max_tokens", output.openai().maxTokens(), 1);
    oneOf("output.openai.tokenizer", output.openai().tokenizer(), Tokenizer.class);
    if (output.text().separator().isEmpty()) {
      throw ConfigException.notAllowed("output.text.separator", "",
          "a non-empty text between two records");
    }
    atLeast("output.tokens.seq_len", output.tokens().seqLen(), 0);
    oneOf("output.tokens.tokenizer", output.tokens().tokenizer(), Tokenizer.class);
    oneOf("output.tokens.file_format", output.tokens().fileFormat(), TokensFile.class);
    select(output, registries);
    batches(output);
    if (!output.onComplete().isEmpty() && output.onComplete().get(0).isBlank()) {
      throw ConfigException.notAllowed("output.on_complete[0]", output.onComplete().get(0),
          "a program to run (argv, no shell)");
    }
  }

  private static void formats(List<String> formats, Registries registries) {
    if (formats.isEmpty()) {
      throw ConfigException.notAllowed(
          "output.formats", "[]", "one or more of " + registries.formats());
    }
    Set<String> seen = new HashSet<>();
    for (String format : formats) {
      if (!registries.formats().contains(format)) {
        throw ConfigException.notAllowed(
            "output.formats", format, String.join(", ", registries.formats()));
      }
      if (!seen.add(format)) {
        throw ConfigException.notAllowed("output.formats", format, "each format once");
      }
    }
  }

  private static final Pattern BATCHES = Pattern.compile("\\s*(\\d{1,15})\\s*(?:-\\s*(\\d{1,15})\\s*)?");

  /** Whole batches: a size, batch numbers or ranges, and not with an index range or packing. */
  private static void batches(PipelineSpec.Output output) {
    PipelineSpec.Select select = output.select();
    atLeast("output.select.batch_size", select.batchSize(), 0);
    if (select.batchSize() == 0) {
      if (!select.batches().isEmpty()) {
        throw ConfigException.notAllowed("output.select.batch_size", 0,
            "a whole number >= 1 when output.select.batches is given (the sequences per batch)");
      }
      return;
    }
    if (select.batches().isEmpty()) {
      throw ConfigException.notAllowed("output.select.batches", "[]",
          "one or more batch numbers (0 is the first) or inclusive ranges like '10-19' when"
              + " output.select.batch_size is set");
    }
    for (int i = 0; i < select.batches().size(); i++) {
      String entry = select.batches().get(i);
      Matcher match = BATCHES.matcher(entry == null ? "" : entry);
      if (!match.matches() || (match.group(2) != null
          && Long.parseLong(match.group(2)) < Long.parseLong(match.group(1)))) {
        throw ConfigException.notAllowed("output.select.batches[" + i + "]", entry,
            "a batch number >= 0 or an inclusive range 'first-last' with first <= last");
      }
    }
    if (select.start() > 0 || select.end() != null) {
      throw ConfigException.notAllowed("output.select",
          "{start: " + select.start() + ", end: " + select.end() + ", batch_size: "
              + select.batchSize() + "}",
          "either an index range (start, end) or whole batches (batch_size, batches), not both");
    }
    if (output.tokens().seqLen() > 0) {
      throw ConfigException.notAllowed("output.select.batch_size", select.batchSize(),
          "0 when output.tokens.seq_len > 0 (batches are drawn from unpacked examples; packed"
              + " sequences are numbered per file)");
    }
    if (!output.formats().contains("tokens")) {
      throw ConfigException.notAllowed("output.select.batch_size", select.batchSize(),
          "0 when output.formats has no tokens (batches apply to the tokens format only)");
    }
  }

  /** An index range, and only for a format that exports by index. */
  private static void select(PipelineSpec.Output output, Registries registries) {
    PipelineSpec.Select select = output.select();
    atLeast("output.select.start", select.start(), 0);
    if (select.end() != null && select.end() < select.start()) {
      throw ConfigException.notAllowed("output.select.end", select.end(),
          "a whole number >= output.select.start (" + select.start() + "), or null for no end");
    }
    boolean selects = select.start() > 0 || select.end() != null;
    if (selects && output.formats().stream().noneMatch(registries::selectsByIndex)) {
      String selecting = String.join(", ",
          registries.formats().stream().filter(registries::selectsByIndex).toList());
      throw ConfigException.notAllowed("output.select",
          "{start: " + select.start() + ", end: " + select.end() + "}",
          "the default {start: 0, end: null} when output.formats has no " + selecting
              + " (select applies to the " + selecting + " format only)");
    }
  }
}
