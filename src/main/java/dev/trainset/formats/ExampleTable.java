package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Style;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The columns of the tabular formats (csv, parquet, huggingface), fixed by the pipeline file and
 * never by the data seen, so that every file of a run, and every run of one pipeline file, has
 * the same columns: {@code id, split, weight, system}, the fields of {@code fields.style}, and the
 * metadata keys an example can carry ({@code fields.metadata}, then the annotations the quality
 * settings add).
 */
public final class ExampleTable implements Serializable {
  /** One column: its name, its type as a reader sees it, and what it holds. */
  public record Column(String name, String type, String meaning) implements Serializable {}

  private final Style style;
  private final Map<String, Column> metadata;

  private ExampleTable(Style style, Map<String, Column> metadata) {
    this.style = style;
    this.metadata = metadata;
  }

  /**
   * The table of a pipeline: its style and the metadata its fields, quality settings and
   * segmentation add.
   */
  public static ExampleTable of(PipelineSpec spec) {
    ExampleTable table = of(spec.fields(), spec.quality());
    if (!spec.segment().enabled()) {
      return table;
    }
    Map<String, Column> metadata = new LinkedHashMap<>(table.metadata);
    metadata.put(Example.SOURCE_ID, new Column(Example.SOURCE_ID, "text",
        "the id of the document the example was cut from (segment.enabled)"));
    metadata.put(Example.SEGMENT_INDEX, new Column(Example.SEGMENT_INDEX, "integer",
        "the example's place among its document's segments, from 0"));
    return new ExampleTable(table.style, metadata);
  }

  /** The table of the fields and quality settings alone (no segmentation). */
  public static ExampleTable of(PipelineSpec.Fields fields, PipelineSpec.Quality quality) {
    Map<String, Column> metadata = new LinkedHashMap<>();
    for (String field : fields.metadata()) {
      metadata.put(field, new Column(field, "as in the record",
          "the record's '" + field + "' field (fields.metadata)"));
    }
    // The annotations FilterQuality adds (Segment copies them over a same-named field).
    if (quality.maxTokens() > 0) {
      metadata.put("token_count", new Column("token_count", "integer",
          "tokens of the example's full text (" + quality.tokenizer().configName() + ")"));
    }
    if (quality.heuristics()) {
      metadata.put("quality_score", new Column("quality_score", "number",
          "the heuristic quality score, 0 to 1 (quality.heuristics)"));
    }
    if (!quality.tiers().isEmpty()) {
      metadata.put("quality_tier", new Column("quality_tier", "text",
          "the tier of quality.tiers the score reaches; untiered below every tier"));
    }
    return new ExampleTable(fields.style(), metadata);
  }

  /** The style whose fields are columns. */
  public Style style() {
    return style;
  }

  /** The metadata keys with a column, in column order. */
  public List<String> metadataKeys() {
    return List.copyOf(metadata.keySet());
  }

  /** The metadata key's column description. */
  public Column metadataColumn(String key) {
    return metadata.get(key);
  }

  /**
   * The text fields of the style, in column order, each with what it holds: {@code system} and
   * then {@code instruction, input, output}, {@code messages} or {@code text}.
   */
  public List<Column> textColumns() {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("system", "text", "the system prompt; empty when the example has none"));
    switch (style) {
      case INSTRUCTION -> {
        columns.add(new Column("instruction", "text", "the task given to the model"));
        columns.add(new Column("input", "text", "the task's input; may be empty"));
        columns.add(new Column("output", "text", "the answer the model is trained to give"));
      }
      case CHAT -> columns.add(new Column("messages", "list of {role, content}",
          "the conversation's user and assistant turns, in order"));
      case TEXT -> columns.add(new Column("text", "text", "the example's text"));
    }
    return columns;
  }

  /** Why {@code example} has no place in this table, or null when it has one. */
  public @Nullable String unrepresentable(Example example) {
    if (example.style() != style) {
      return "a " + example.style().key() + " example has no columns in a table of "
          + style.key() + " examples (fields.style)";
    }
    for (String key : example.metadata().keySet()) {
      if (!metadata.containsKey(key)) {
        return "metadata key '" + key + "' has no column (columns come from fields.metadata and"
            + " the quality settings)";
      }
    }
    return null;
  }
}
