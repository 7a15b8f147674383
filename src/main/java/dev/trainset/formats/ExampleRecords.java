package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Message;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Examples as typed Avro records, for the formats written as Parquet: {@code parquet} and {@code
 * huggingface}. The columns are {@link ExampleTable}'s: {@code id, split} (string), {@code weight}
 * (double), {@code system} (nullable string), the style's fields ({@code instruction, input,
 * output} strings, {@code messages} a list of {@code struct<role, content>}, or {@code text}), and
 * {@code metadata}.
 *
 * <p>{@code metadata} is a struct with one nullable string field per metadata key of the table
 * ({@link PipelineSpec.Fields#metadataColumn}): a number or boolean as its text, a list or object
 * as JSON. The keys come from the pipeline file, so one schema holds any record's metadata, and
 * HuggingFace {@code datasets}, DuckDB, pandas and Spark all read a struct (datasets has no type
 * for a map). A table without metadata keys has no {@code metadata} column (Parquet has no empty
 * struct).
 */
public final class ExampleRecords implements Serializable {
  static final String PARQUET = "parquet";
  static final String HUGGINGFACE = "huggingface";

  /** The formats written as Parquet files rather than through {@link OutputFormat}. */
  static final List<String> FORMATS = List.of(PARQUET, HUGGINGFACE);

  private final String format;
  private final ExampleTable table;
  private final String schemaJson;
  private transient @Nullable Schema schema;

  private ExampleRecords(String format, ExampleTable table) {
    this.format = format;
    this.table = table;
    this.schemaJson = buildSchema(table).toString();
  }

  /** The records of {@code format} ({@link #PARQUET} or {@link #HUGGINGFACE}) over {@code table}. */
  public static ExampleRecords of(String format, ExampleTable table) {
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("not a Parquet format: " + format);
    }
    return new ExampleRecords(format, table);
  }

  public String format() {
    return format;
  }

  public Schema schema() {
    if (schema == null) {
      schema = new Schema.Parser().parse(schemaJson);
    }
    return schema;
  }

  private static Schema buildSchema(ExampleTable table) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("Example").namespace("dev.trainset").fields()
            .requiredString("id")
            .requiredString("split")
            .requiredDouble("weight")
            .optionalString("system");
    switch (table.style()) {
      case INSTRUCTION -> fields = fields
          .requiredString("instruction").requiredString("input").requiredString("output");
      case CHAT -> fields = fields.name("messages").type().array().items(
          SchemaBuilder.record("Message").namespace("dev.trainset").fields()
              .requiredString("role").requiredString("content").endRecord())
          .noDefault();
      case TEXT -> fields = fields.requiredString("text");
    }
    if (!table.metadataKeys().isEmpty()) {
      SchemaBuilder.FieldAssembler<Schema> keys =
          SchemaBuilder.record("Metadata").namespace("dev.trainset").fields();
      for (String key : table.metadataKeys()) {
        keys = keys.optionalString(PipelineSpec.Fields.metadataColumn(key));
      }
      fields = fields.name("metadata").type(keys.endRecord()).noDefault();
    }
    return fields.endRecord();
  }

  /** Why the example has no row in these files, or null when it has one. */
  public @Nullable String unrepresentable(Example example) {
    return table.unrepresentable(example);
  }

  /** The example's row; only called when {@link #unrepresentable} is null. */
  public GenericRecord record(Example example) {
    Schema schema = schema();
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", example.id());
    record.put("split", example.split());
    record.put("weight", example.weight());
    record.put("system", example.system());
    switch (example.style()) {
      case INSTRUCTION -> {
        record.put("instruction", example.instruction());
        record.put("input", example.input());
        record.put("output", example.output());
      }
      case CHAT -> {
        Schema messageSchema = schema.getField("messages").schema().getElementType();
        List<GenericRecord> messages = new ArrayList<>();
        for (Message message : example.messages()) {
          GenericRecord turn = new GenericData.Record(messageSchema);
          turn.put("role", message.role());
          turn.put("content", message.content());
          messages.add(turn);
        }
        record.put("messages", messages);
      }
      case TEXT -> record.put("text", example.text());
    }
    Schema.Field metadataField = schema.getField("metadata");
    if (metadataField != null) {
      GenericRecord metadata = new GenericData.Record(metadataField.schema());
      for (String key : table.metadataKeys()) {
        JsonNode value = example.metadata().get(key);
        metadata.put(PipelineSpec.Fields.metadataColumn(key), value == null || value.isNull()
            ? null : value.isValueNode() ? value.asText() : Json.write(value));
      }
      record.put("metadata", metadata);
    }
    return record;
  }
}
