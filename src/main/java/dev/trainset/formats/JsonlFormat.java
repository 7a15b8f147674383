package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code jsonl}: one JSON object per line, {@code {"id","split","weight", style fields,
 * "metadata"}}. It holds every example, so nothing goes to validation.
 */
final class JsonlFormat implements OutputFormat {
  static final String NAME = "jsonl";

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
}
