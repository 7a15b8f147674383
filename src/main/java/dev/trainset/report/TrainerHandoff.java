package dev.trainset.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.formats.TrainerLayout;
import dev.trainset.model.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a trainer needs to load an export: a LLaMA-Factory {@code dataset_info.json} with one entry
 * per written file of each format it reads, and for Axolotl one {@code datasets:} /
 * {@code test_datasets:} snippet per format. Both point at the published files by absolute path,
 * in the local forms the trainers' loaders take, and name only the columns the files have (found
 * by reading them back). Compressed files are left out: neither trainer guesses a format from
 * {@code .json.gz}.
 */
public final class TrainerHandoff {
  /** Axolotl's chat template: the tokenizer's own, else chatml (base models have none). */
  static final String AXOLOTL_CHAT_TEMPLATE = "tokenizer_default_fallback_chatml";

  /**
   * One written file as read back: its path relative to the output folder, its records, and its
   * records' top-level keys, each with the number of records that have it.
   */
  public record File(String path, long records, Map<String, Long> keys) {}

  /** A published file: its absolute path, records and keys. */
  private record Published(String path, long records, Map<String, Long> keys) {}

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private final String name;
  private final String directory;
  /** Per format, per split, the published files, in shard order. */
  private final Map<String, Map<String, List<Published>>> files = new LinkedHashMap<>();
  /** How trainers read each format's records. */
  private final Map<String, TrainerLayout> layouts = new LinkedHashMap<>();

  /** A hand-off for the export {@code name} published in {@code directory}. */
  public TrainerHandoff(String name, String directory) {
    this.name = name;
    this.directory = directory;
  }

  /**
   * Adds the files of {@code format} (shards in order), when trainers read the format (it has a
   * {@link TrainerLayout}).
   */
  public TrainerHandoff with(String format, List<File> written) {
    Optional<TrainerLayout> layout = Formats.find(format).flatMap(FormatDescriptor::trainerLayout);
    if (layout.isEmpty()) {
      return this;
    }
    layouts.put(format, layout.get());
    for (File file : written) {
      String path = file.path();
      if (path.endsWith(".gz") || path.endsWith(".zst")) {
        continue;
      }
      String split = OutputValidation.splitOf(path.substring(path.lastIndexOf('/') + 1));
      files.computeIfAbsent(format, f -> new LinkedHashMap<>())
          .computeIfAbsent(split, s -> new ArrayList<>())
          .add(new Published(directory + "/" + path, file.records(), file.keys()));
    }
    return this;
  }

  /** Whether any file can be handed off. */
  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** The formats with files to hand off. */
  public Set<String> formats() {
    return files.keySet();
  }

  /**
   * LLaMA-Factory's {@code dataset_info.json}: {@code <name>_<format>_<split>}, with {@code
   * _<shard>} appended when a split has several files (name them all, comma-separated, in {@code
   * dataset:}). An entry maps an optional column ({@code input}, {@code system}, {@code history})
   * only when a record of its file has it: LLaMA-Factory's converters index every mapped column
   * of every record, and the datasets library gives a file only the columns its records have.
   */
  public String llamaFactory() {
    ObjectNode info = Json.MAPPER.createObjectNode();
    files.forEach((format, bySplit) -> bySplit.forEach((split, published) -> {
      for (int i = 0; i < published.size(); i++) {
        String entryName = name + "_" + format + "_" + split + (published.size() > 1 ? "_" + i : "");
        ObjectNode entry = info.putObject(entryName);
        entry.put("file_name", published.get(i).path());
        llamaFactoryColumns(layouts.get(format), published.get(i).keys().keySet(), entry);
      }
    }));
    return Json.pretty(info);
  }

  private static void llamaFactoryColumns(
      TrainerLayout layout, Set<String> keys, ObjectNode entry) {
    switch (layout) {
      case ALPACA -> {
        entry.put("formatting", "alpaca");
        ObjectNode columns = entry.putObject("columns");
        columns.put("prompt", "instruction");
        if (keys.contains("input")) {
          columns.put("query", "input");
        }
        columns.put("response", "output");
        if (keys.contains("system")) {
          columns.put("system", "system");
        }
        if (keys.contains("history")) {
          columns.put("history", "history");
        }
      }
      case SHAREGPT -> {
        entry.put("formatting", "sharegpt");
        ObjectNode columns = entry.putObject("columns");
        columns.put("messages", "conversations");
        if (keys.contains("system")) {
          columns.put("system", "system");
        }
      }
      case MESSAGES -> {
        entry.put("formatting", "sharegpt");
        entry.putObject("columns").put("messages", "messages");
        ObjectNode tags = entry.putObject("tags");
        tags.put("role_tag", "role");
        tags.put("content_tag", "content");
        tags.put("user_tag", "user");
        tags.put("assistant_tag", "assistant");
        tags.put("system_tag", "system");
      }
    }
  }

  /**
   * Axolotl's {@code datasets:} for {@code format}: the {@code trainSplit} files to train on, and
   * as {@code test_datasets:} the {@code evalSplit} files when there are any (with {@code
   * val_set_size: 0}, which Axolotl requires beside them). One file is {@code path: <file>};
   * several are {@code path: <format folder>} with their {@code data_files}. The chat formats get
   * {@code chat_template: tokenizer_default_fallback_chatml}: a base model's tokenizer has no
   * template of its own. The comment lines above say what Axolotl will not train on.
   */
  public String axolotl(String format, String trainSplit, String evalSplit) {
    Map<String, List<Published>> bySplit = files.getOrDefault(format, Map.of());
    TrainerLayout layout = layouts.get(format);
    List<Published> train = bySplit.getOrDefault(trainSplit, List.of());
    List<Published> eval = bySplit.getOrDefault(evalSplit, List.of());
    ObjectNode config = Json.MAPPER.createObjectNode();
    StringBuilder comments = new StringBuilder("# Axolotl datasets for " + name + " (" + format
        + "), written by trainset: paste into your Axolotl config.\n");
    if (layout != TrainerLayout.ALPACA) {
      config.put("chat_template", AXOLOTL_CHAT_TEMPLATE);
      comments.append("# chat_template: the tokenizer's own template, or chatml when it has none"
          + " (base models);\n# name another (llama3, qwen_25, ...) to match your model.\n");
    }
    if (!train.isEmpty()) {
      config.putArray("datasets").add(axolotlDataset(format, layout, train));
    }
    if (!eval.isEmpty()) {
      config.putArray("test_datasets").add(axolotlDataset(format, layout, eval));
      config.put("val_set_size", 0);
      comments.append("# test_datasets is the ").append(evalSplit).append(" split; Axolotl takes"
          + " it only with val_set_size: 0.\n");
    }
    List<Published> all = new ArrayList<>(train);
    all.addAll(eval);
    if (layout == TrainerLayout.ALPACA && (hasKey(all, "system") || hasKey(all, "history"))) {
      comments.append("# type: alpaca reads instruction, input and output only: the system"
          + " prompts and the earlier\n# turns (history) these files hold are not trained on."
          + " For them, hand off chatml or\n# sharegpt (type: chat_template).\n");
    }
    if (layout == TrainerLayout.SHAREGPT && hasKey(all, "system") && !everyRecordHas(all, "system")) {
      comments.append("# Some records have a system prompt and some none: Axolotl reads the missing"
          + " one as null\n# and its chat template fails on it. Hand off chatml or openai (the"
          + " system prompt is\n# their first message) instead.\n");
    }
    try {
      return comments + YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasKey(List<Published> published, String key) {
    return published.stream().anyMatch(file -> file.keys().containsKey(key));
  }

  private static boolean everyRecordHas(List<Published> published, String key) {
    return published.stream()
        .allMatch(file -> file.keys().getOrDefault(key, 0L) == file.records());
  }

  private ObjectNode axolotlDataset(String format, TrainerLayout layout, List<Published> files) {
    ObjectNode dataset = Json.MAPPER.createObjectNode();
    if (files.size() == 1) {
      dataset.put("path", files.get(0).path());
      dataset.put("ds_type", "json");
    } else {
      // A folder with data_files: Axolotl loads exactly those files with the json builder.
      dataset.put("path", directory + "/" + format);
      dataset.put("ds_type", "json");
      ArrayNode dataFiles = dataset.putArray("data_files");
      files.forEach(file -> dataFiles.add(file.path()));
    }
    // All files load as the datasets library's one "train" split; trainset's split is the files.
    dataset.put("split", "train");
    switch (layout) {
      case ALPACA -> dataset.put("type", "alpaca");
      case SHAREGPT -> {
        dataset.put("type", "chat_template");
        dataset.put("field_messages", "conversations");
        ObjectNode mapping = dataset.putObject("message_property_mappings");
        mapping.put("role", "from");
        mapping.put("content", "value");
        ObjectNode roles = dataset.putObject("roles");
        roles.putArray("user").add("human");
        roles.putArray("assistant").add("gpt");
      }
      case MESSAGES -> {
        dataset.put("type", "chat_template");
        dataset.put("field_messages", "messages");
        ObjectNode mapping = dataset.putObject("message_property_mappings");
        mapping.put("role", "role");
        mapping.put("content", "content");
      }
    }
    return dataset;
  }
}
