package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code chatml}: {@code {"messages":[{"role","content"}],"weight","metadata"}}, the shape chat
 * templates and most trainers load. An instruction example becomes one user and one assistant
 * turn; a text example has no turns and goes to validation.
 */
final class ChatmlFormat implements OutputFormat {
  static final String NAME = "chatml";

  private static final Set<String> RECORD_KEYS = Set.of("messages", "weight", "metadata");
  private static final RecordChecks.TurnShape TURN = new RecordChecks.TurnShape("role", "content",
      Set.of("system", Message.USER, Message.ASSISTANT), Set.of("role", "content"));

  private final String defaultSystem;
  private final boolean includeSystem;

  ChatmlFormat(PipelineSpec.Output output) {
    this.defaultSystem = output.chatml().systemMessage();
    this.includeSystem = output.chatml().includeSystem();
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
    return Turns.missingAssistantTurn(example);
  }

  @Override
  public String encode(Example example) {
    List<Message> messages = new ArrayList<>();
    String system = example.system() != null ? example.system() : defaultSystem;
    if (includeSystem && !system.isEmpty()) {
      messages.add(new Message("system", system));
    }
    messages.addAll(example.turns());
    return JsonWriter.object(
        json -> {
          JsonWriter.messages(json, "messages", messages);
          json.writeNumberField("weight", example.weight());
          JsonWriter.metadata(json, example.metadata());
        });
  }

  @Override
  public FileCheck fileCheck() {
    return JsonRecords.lines(ChatmlFormat::checkRecord);
  }

  private static long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    List<String> roles = RecordChecks.turns(record, "messages", TURN, problem);
    if (roles != null && !roles.contains(Message.ASSISTANT)) {
      problem.accept("no assistant message");
    }
    JsonNode weight = record.get("weight");
    if (weight != null && !weight.isNumber()) {
      problem.accept("'weight' must be a number");
    }
    JsonNode metadata = record.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      problem.accept("'metadata' must be an object");
    }
    return 0;
  }
}
