package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.model.Style;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code alpaca}: one JSON array per file of {@code {"instruction","input","output"}}, with
 * {@code system} when the example has one. A multi-turn chat becomes its last exchange plus
 * {@code history} pairs, as LLaMA-Factory reads it.
 */
final class AlpacaFormat implements OutputFormat {
  static final String NAME = "alpaca";

  private final boolean includeEmptyInput;

  AlpacaFormat(PipelineSpec.Output output) {
    this.includeEmptyInput = output.alpaca().includeEmptyInput();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".json";
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    switch (example.style()) {
      case INSTRUCTION:
        return null;
      case CHAT:
        return Turns.notAlternating(example.messages());
      default:
        return "a text example has no instruction and output";
    }
  }

  @Override
  public String encode(Example example) {
    return JsonWriter.object(
        json -> {
          if (example.style() == Style.INSTRUCTION) {
            json.writeStringField("instruction", example.instruction());
            if (includeEmptyInput || !example.input().isEmpty()) {
              json.writeStringField("input", example.input());
            }
            json.writeStringField("output", example.output());
          } else {
            List<Message> turns = example.messages();
            int last = turns.size() - 2;
            json.writeStringField("instruction", turns.get(last).content());
            if (includeEmptyInput) {
              json.writeStringField("input", "");
            }
            json.writeStringField("output", turns.get(last + 1).content());
            if (last > 0) {
              json.writeArrayFieldStart("history");
              for (int i = 0; i < last; i += 2) {
                json.writeStartArray();
                json.writeString(turns.get(i).content());
                json.writeString(turns.get(i + 1).content());
                json.writeEndArray();
              }
              json.writeEndArray();
            }
          }
          if (example.system() != null) {
            json.writeStringField("system", example.system());
          }
        });
  }

  @Override
  public String open() {
    return "[\n";
  }

  @Override
  public String between() {
    return ",\n";
  }

  @Override
  public String after() {
    return "";
  }

  @Override
  public String close() {
    return "\n]\n";
  }
}
