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
 * {@code anthropic}: Claude fine-tuning on Amazon Bedrock, {@code {"system","messages":[{"role",
 * "content"}]}} per line. Bedrock takes only conversations that start with the user, end with the
 * assistant and alternate strictly, with no empty turn; any other example goes to validation.
 */
final class AnthropicFormat implements OutputFormat {
  static final String NAME = "anthropic";

  private static final Set<String> RECORD_KEYS = Set.of("system", "messages");
  private static final RecordChecks.TurnShape TURN = new RecordChecks.TurnShape(
      "role", "content", Set.of(Message.USER, Message.ASSISTANT), Set.of("role", "content"));

  AnthropicFormat(PipelineSpec.Output output) {}

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
    String missing = Turns.missingAssistantTurn(example);
    if (missing != null) {
      return missing;
    }
    List<Message> turns = example.turns();
    String order = Turns.notAlternating(turns);
    if (order != null) {
      return order;
    }
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i).content().isBlank()) {
        return "turn " + (i + 1) + " is empty; Bedrock refuses empty turns";
      }
    }
    return null;
  }

  @Override
  public String encode(Example example) {
    return JsonWriter.object(json -> {
      if (example.system() != null && !example.system().isEmpty()) {
        json.writeStringField("system", example.system());
      }
      JsonWriter.messages(json, "messages", example.turns());
    });
  }

  @Override
  public FileCheck fileCheck() {
    return JsonRecords.lines(AnthropicFormat::checkRecord);
  }

  private static long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    RecordChecks.text(record, "system", false, problem);
    List<String> roles = RecordChecks.turns(record, "messages", TURN, problem);
    if (roles != null) {
      RecordChecks.alternating(roles, "messages", Message.USER, Message.ASSISTANT, problem);
      JsonNode messages = record.get("messages");
      for (int i = 0; i < messages.size(); i++) {
        JsonNode content = messages.get(i).get("content");
        if (content != null && content.isTextual() && content.asText().isBlank()) {
          problem.accept("messages[" + i + "]: 'content' is empty");
        }
      }
    }
    return 0;
  }
}
