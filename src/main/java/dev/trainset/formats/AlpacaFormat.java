package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.model.Style;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code alpaca}: one JSON array per file of {@code {"instruction","input","output"}}, with
 * {@code system} when the example has one. A multi-turn chat becomes its last exchange plus
 * {@code history} pairs, as LLaMA-Factory reads it.
 */
final class AlpacaFormat implements JsonArrayFormat {
  static final String NAME = "alpaca";

  private static final Set<String> RECORD_KEYS =
      Set.of("instruction", "input", "output", "system", "history");

  private final boolean includeEmptyInput;

  AlpacaFormat(PipelineSpec.Output output) {
    this.includeEmptyInput = output.alpaca().includeEmptyInput();
  }

  @Override
  public String name() {
    return NAME;
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
  public FileCheck fileCheck() {
    return JsonRecords.array(AlpacaFormat::checkRecord);
  }

  private static long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    RecordChecks.text(record, "instruction", true, problem);
    RecordChecks.text(record, "input", false, problem);
    RecordChecks.text(record, "output", true, problem);
    RecordChecks.text(record, "system", false, problem);
    JsonNode history = record.get("history");
    if (history != null) {
      boolean pairs = history.isArray();
      for (JsonNode pair : history) {
        pairs &= pair.isArray() && pair.size() == 2 && pair.get(0).isTextual()
            && pair.get(1).isTextual();
      }
      if (!pairs) {
        problem.accept("'history' must be a list of [instruction, output] string pairs");
      }
    }
    return 0;
  }
}
