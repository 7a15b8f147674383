package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code chatml}: {@code {"messages":[{"role","content"}],"weight","metadata"}}, the shape chat
 * templates and most trainers load. An instruction example becomes one user and one assistant
 * turn; a text example has no turns and goes to validation.
 */
final class ChatmlFormat implements OutputFormat {
  static final String NAME = "chatml";

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
}
