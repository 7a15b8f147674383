package dev.trainset.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trainset.model.ChannelInputFile;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.hadoop.ParquetFileReader;

/**
 * The files that make {@code <dir>/huggingface/} a dataset the Hub and {@code
 * datasets.load_dataset} read as it is: {@code README.md} (a dataset card whose YAML front matter
 * has {@code configs} with each split's data files and {@code dataset_info} with the features and
 * each split's {@code num_examples} and {@code num_bytes}), {@code dataset_info.json} and {@code
 * dataset_dict.json}. The counts are only known after the run, so the driver writes these from
 * the data files: {@code num_examples} from each file's Parquet footer, {@code num_bytes} the
 * size of the split's Parquet files.
 */
public final class HuggingFaceCard {
  /** The data files of one split: how many rows they hold, and their bytes. */
  public record SplitFiles(String split, long examples, long bytes) {}

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private HuggingFaceCard() {}

  /** File name (in the huggingface folder) to text, for the dataset {@code name}. */
  public static Map<String, String> files(
      String name, ExampleRecords records, List<SplitFiles> splits) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("README.md", readme(name, records, splits));
    files.put("dataset_info.json", Json.pretty(datasetInfo(name, records, splits)));
    ObjectNode dict = Json.MAPPER.createObjectNode();
    ArrayNode names = dict.putArray("splits");
    splits.forEach(split -> names.add(split.split()));
    files.put("dataset_dict.json", Json.pretty(dict));
    return files;
  }

  private static String readme(String name, ExampleRecords records, List<SplitFiles> splits) {
    ObjectNode front = Json.MAPPER.createObjectNode();
    ObjectNode config = front.putArray("configs").addObject();
    config.put("config_name", "default");
    ArrayNode dataFiles = config.putArray("data_files");
    for (SplitFiles split : splits) {
      dataFiles.addObject().put("split", split.split()).put("path", "data/" + split.split() + "-*");
    }
    ObjectNode info = front.putObject("dataset_info");
    info.set("features", cardFeatures(records.schema()));
    ArrayNode splitList = info.putArray("splits");
    long bytes = 0;
    for (SplitFiles split : splits) {
      splitList.addObject().put("name", split.split()).put("num_bytes", split.bytes())
          .put("num_examples", split.examples());
      bytes += split.bytes();
    }
    info.put("download_size", bytes);
    info.put("dataset_size", bytes);
    String yaml;
    try {
      yaml = YAML.writeValueAsString(front);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder card = new StringBuilder("---\n").append(yaml).append("---\n\n");
    card.append("# ").append(name).append("\n\n")
        .append("Written by trainset. Load it with `datasets.load_dataset(\"path/to/huggingface\")`.")
        .append("\n\n| split | examples |\n|---|---|\n");
    splits.forEach(split -> card.append("| ").append(split.split()).append(" | ")
        .append(split.examples()).append(" |\n"));
    if (records.schema().getField("metadata") != null) {
      card.append("\n`metadata` is a struct of one string per metadata key (numbers and booleans"
          + " as text, lists and objects as JSON).\n");
    }
    return card.toString();
  }

  private static ObjectNode datasetInfo(
      String name, ExampleRecords records, List<SplitFiles> splits) {
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("description", "");
    info.put("citation", "");
    info.put("homepage", "");
    info.put("license", "");
    info.set("features", jsonFeatures(records.schema()));
    info.put("builder_name", "parquet");
    info.put("dataset_name", name);
    info.put("config_name", "default");
    ObjectNode splitMap = info.putObject("splits");
    long bytes = 0;
    for (SplitFiles split : splits) {
      splitMap.putObject(split.split()).put("name", split.split())
          .put("num_bytes", split.bytes()).put("num_examples", split.examples())
          .put("dataset_name", name);
      bytes += split.bytes();
    }
    info.put("download_size", bytes);
    info.put("dataset_size", bytes);
    return info;
  }

  /**
   * The card's features: {@code [{name, dtype}]}, a list of records as {@code list: [...]}, a
   * record as {@code struct: [...]}.
   */
  private static ArrayNode cardFeatures(Schema record) {
    ArrayNode features = JsonNodeFactory.instance.arrayNode();
    for (Schema.Field field : record.getFields()) {
      ObjectNode feature = features.addObject().put("name", field.name());
      Schema type = nonNull(field.schema());
      if (type.getType() == Schema.Type.ARRAY) {
        feature.set("list", cardFeatures(type.getElementType()));
      } else if (type.getType() == Schema.Type.RECORD) {
        feature.set("struct", cardFeatures(type));
      } else {
        feature.put("dtype", dtype(type));
      }
    }
    return features;
  }

  /** The features as {@code datasets.Features} writes them to dataset_info.json. */
  private static ObjectNode jsonFeatures(Schema record) {
    ObjectNode features = Json.MAPPER.createObjectNode();
    for (Schema.Field field : record.getFields()) {
      Schema type = nonNull(field.schema());
      if (type.getType() == Schema.Type.ARRAY) {
        features.putArray(field.name()).add(jsonFeatures(type.getElementType()));
      } else if (type.getType() == Schema.Type.RECORD) {
        features.set(field.name(), jsonFeatures(type));
      } else {
        features.putObject(field.name()).put("dtype", dtype(type)).put("_type", "Value");
      }
    }
    return features;
  }

  private static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst()
        .orElseThrow();
  }

  private static String dtype(Schema type) {
    return switch (type.getType()) {
      case STRING -> "string";
      case DOUBLE -> "float64";
      case LONG -> "int64";
      case INT -> "int32";
      case BOOLEAN -> "bool";
      default -> throw new IllegalArgumentException("no datasets dtype for " + type);
    };
  }


  /** The rows of a Parquet file, from its footer, on any Beam filesystem. */
  public static long rowCount(ResourceId file) throws IOException {
    try (SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(file);
        ParquetFileReader reader =
            ParquetFileReader.open(new ChannelInputFile(channel, file.toString()))) {
      return reader.getRecordCount();
    }
  }
}
