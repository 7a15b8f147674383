package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code jsonl}: one JSON object per line, {@code {"id","split","weight", style fields,
 * "metadata"}}. It holds every example, so nothing goes to validation.
 */
final class JsonlFormat implements OutputFormat {
  static final String NAME = "jsonl";

  private static final Set<String> RECORD_KEYS = Set.of("id", "split", "weight", "system",
      "instruction", "input", "output", "messages", "text", "metadata");
  private static final RecordChecks.TurnShape TURN = new RecordChecks.TurnShape(
      "role", "content", Set.of(Message.USER, Message.ASSISTANT), Set.of("role", "content"));

  private final boolean includeMetadata;

  JsonlFormat(PipelineSpec.Output output) {
    this.includeMetadata = output.jsonl().includeMetadata();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".jsonl";
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    return null;
  }

  @Override
  public String encode(Example example) {
    return JsonWriter.object(
        json -> {
          json.writeStringField("id", example.id());
          json.writeStringField("split", example.split());
          json.writeNumberField("weight", example.weight());
          if (example.system() != null) {
            json.writeStringField("system", example.system());
          }
          switch (example.style()) {
            case INSTRUCTION -> {
              json.writeStringField("instruction", example.instruction());
              json.writeStringField("input", example.input());
              json.writeStringField("output", example.output());
            }
            case CHAT -> JsonWriter.messages(json, "messages", example.messages());
            case TEXT -> json.writeStringField("text", example.text());
          }
          if (includeMetadata) {
            JsonWriter.metadata(json, example.metadata());
          }
        });
  }

  @Override
  public FileCheck fileCheck() {
    return JsonRecords.lines(JsonlFormat::checkRecord);
  }

  /** Every record has an id, a split and a weight, and the fields of exactly one style. */
  private static long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    RecordChecks.text(record, "id", true, problem);
    RecordChecks.text(record, "split", true, problem);
    RecordChecks.text(record, "system", false, problem);
    JsonNode weight = record.get("weight");
    if (weight == null || !weight.isNumber()) {
      problem.accept("'weight' must be a number");
    }
    int styles = 0;
    if (record.has("instruction") || record.has("output")) {
      styles++;
      RecordChecks.text(record, "instruction", true, problem);
      RecordChecks.text(record, "input", false, problem);
      RecordChecks.text(record, "output", true, problem);
    }
    if (record.has("messages")) {
      styles++;
      RecordChecks.turns(record, "messages", TURN, problem);
    }
    if (record.has("text")) {
      styles++;
      RecordChecks.text(record, "text", true, problem);
    }
    if (styles != 1) {
      problem.accept("a record needs exactly one of instruction/output, messages or text; it has "
          + styles);
    }
    JsonNode metadata = record.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      problem.accept("'metadata' must be an object");
    }
    return 0;
  }
}
