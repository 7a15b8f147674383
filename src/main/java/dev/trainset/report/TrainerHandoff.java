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
 * {@code test_datasets:} snippet per format. Both point at the published files by absolute path.
 * Compressed files are left out: neither trainer guesses a format from {@code .json.gz}.
 */
public final class TrainerHandoff {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private final String name;
  private final String directory;
  /** Per format, per split, the published files (absolute paths), in shard order. */
  private final Map<String, Map<String, List<String>>> files = new LinkedHashMap<>();
  /** How trainers read each format's records. */
  private final Map<String, TrainerLayout> layouts = new LinkedHashMap<>();

  /** A hand-off for the export {@code name} published in {@code directory}. */
  public TrainerHandoff(String name, String directory) {
    this.name = name;
    this.directory = directory;
  }

  /**
   * Adds the files of {@code format} (paths relative to the output folder, shards in order), when
   * trainers read the format (it has a {@link TrainerLayout}).
   */
  public TrainerHandoff with(String format, List<String> relativePaths) {
    Optional<TrainerLayout> layout = Formats.find(format).flatMap(FormatDescriptor::trainerLayout);
    if (layout.isEmpty()) {
      return this;
    }
    layouts.put(format, layout.get());
    for (String path : relativePaths) {
      if (path.endsWith(".gz") || path.endsWith(".zst")) {
        continue;
      }
      String split = OutputValidation.splitOf(path.substring(path.lastIndexOf('/') + 1));
      files.computeIfAbsent(format, f -> new LinkedHashMap<>())
          .computeIfAbsent(split, s -> new ArrayList<>())
          .add(directory + "/" + path);
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
   * dataset:}).
   */
  public String llamaFactory() {
    ObjectNode info = Json.MAPPER.createObjectNode();
    files.forEach((format, bySplit) -> bySplit.forEach((split, paths) -> {
      for (int i = 0; i < paths.size(); i++) {
        String entryName = name + "_" + format + "_" + split + (paths.size() > 1 ? "_" + i : "");
        ObjectNode entry = info.putObject(entryName);
        entry.put("file_name", paths.get(i));
        llamaFactoryColumns(layouts.get(format), entry);
      }
    }));
    return Json.pretty(info);
  }

  private static void llamaFactoryColumns(TrainerLayout layout, ObjectNode entry) {
    switch (layout) {
      case ALPACA -> {
        entry.put("formatting", "alpaca");
        ObjectNode columns = entry.putObject("columns");
        columns.put("prompt", "instruction");
        columns.put("query", "input");
        columns.put("response", "output");
        columns.put("system", "system");
        columns.put("history", "history");
      }
      case SHAREGPT -> {
        entry.put("formatting", "sharegpt");
        ObjectNode columns = entry.putObject("columns");
        columns.put("messages", "conversations");
        columns.put("system", "system");
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
   * as {@code test_datasets:} the {@code evalSplit} files when there are any.
   */
  public String axolotl(String format, String trainSplit, String evalSplit) {
    Map<String, List<String>> bySplit = files.getOrDefault(format, Map.of());
    ObjectNode config = Json.MAPPER.createObjectNode();
    if (bySplit.containsKey(trainSplit)) {
      config.putArray("datasets").add(axolotlDataset(layouts.get(format), bySplit.get(trainSplit)));
    }
    if (bySplit.containsKey(evalSplit)) {
      config.putArray("test_datasets")
          .add(axolotlDataset(layouts.get(format), bySplit.get(evalSplit)));
    }
    try {
      return "# Axolotl datasets for " + name + " (" + format + "), written by trainset:"
          + " paste into your Axolotl config.\n" + YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode axolotlDataset(TrainerLayout layout, List<String> paths) {
    ObjectNode dataset = Json.MAPPER.createObjectNode();
    dataset.put("path", "json");
    dataset.put("ds_type", "json");
    ArrayNode dataFiles = dataset.putArray("data_files");
    paths.forEach(dataFiles::add);
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
