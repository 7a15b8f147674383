package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.model.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code openai}: chat fine-tuning JSON lines exactly as the OpenAI API accepts them: {@code
 * {"messages":[{"role","content"}]}} and nothing else. OpenAI trains on every assistant turn; it
 * has no per-example weight, so trainset's weight is not written, and an example of weight 0 (one
 * that should teach nothing) goes to validation instead of being trained on. An example longer
 * than {@code output.openai.max_tokens}, counted as the OpenAI cookbook counts chat tokens, goes
 * to validation too: OpenAI would truncate it.
 */
final class OpenaiFormat implements OutputFormat {
  static final String NAME = "openai";

  /** The cookbook's accounting: each message costs 3 tokens of framing, a name 1 more. */
  static final int TOKENS_PER_MESSAGE = 3;
  static final int TOKENS_PER_NAME = 1;
  /** Every reply is primed with {@code <|start|>assistant<|message|>}. */
  static final int REPLY_PRIMING = 3;
  /** OpenAI's fine-tuning refuses a training file with fewer examples. */
  static final int MIN_TRAINING_EXAMPLES = 10;

  private static final Set<String> RECORD_KEYS =
      Set.of("messages", "tools", "functions", "parallel_tool_calls");
  private static final RecordChecks.TurnShape TURN = new RecordChecks.TurnShape("role", "content",
      Set.of("system", "user", "assistant", "tool", "function"),
      Set.of("role", "content", "name", "weight", "function_call", "tool_calls", "tool_call_id"));

  private final int maxTokens;
  private final Tokenizer tokenizer;
  private transient @Nullable Encoding encoding;

  OpenaiFormat(PipelineSpec.Output output) {
    this.maxTokens = output.openai().maxTokens();
    this.tokenizer = output.openai().tokenizer();
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
    String missing = Turns.missingAssistantTurn(example);
    if (missing != null) {
      return missing;
    }
    if (example.weight() == 0) {
      return "weight 0: OpenAI would train on its assistant turns all the same";
    }
    long tokens = tokens(messages(example));
    if (tokens > maxTokens) {
      return tokens + " tokens (" + tokenizer.configName() + ", OpenAI chat accounting) is more"
          + " than output.openai.max_tokens " + maxTokens;
    }
    return null;
  }

  @Override
  public String encode(Example example) {
    return JsonWriter.object(json -> JsonWriter.messages(json, "messages", messages(example)));
  }

  /**
   * Reads each record as the fine-tuning API does; a file of fewer than {@link
   * #MIN_TRAINING_EXAMPLES} records gets a warning, since OpenAI refuses it as a training file (a
   * validation file may be that small, so it is not a problem of any record).
   */
  @Override
  public FileCheck fileCheck() {
    FileCheck records = JsonRecords.lines(this::checkRecord);
    return (file, readBack) -> {
      records.check(file, readBack);
      if (readBack.records() < MIN_TRAINING_EXAMPLES) {
        readBack.warning(readBack.records() + " examples: OpenAI refuses a training file with"
            + " fewer than " + MIN_TRAINING_EXAMPLES);
      }
    };
  }

  private static List<Message> messages(Example example) {
    List<Message> messages = new ArrayList<>();
    if (example.system() != null && !example.system().isEmpty()) {
      messages.add(new Message("system", example.system()));
    }
    messages.addAll(example.turns());
    return messages;
  }

  /** The tokens OpenAI bills for {@code messages}, by the cookbook's num_tokens_from_messages. */
  long tokens(List<Message> messages) {
    long tokens = REPLY_PRIMING;
    for (Message message : messages) {
      tokens += TOKENS_PER_MESSAGE + count(message.role()) + count(message.content());
    }
    return tokens;
  }

  private int count(String text) {
    if (encoding == null) {
      encoding = tokenizer.encoding();
    }
    return encoding.countTokensOrdinary(text);
  }

  /** What the fine-tuning API refuses, as the cookbook's format checks list it. */
  private long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    List<String> roles = RecordChecks.turns(record, "messages", TURN, problem);
    if (roles == null) {
      return 0;
    }
    JsonNode messages = record.get("messages");
    long tokens = REPLY_PRIMING;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      JsonNode weight = message.get("weight");
      if (weight != null && !"assistant".equals(roles.get(i))) {
        problem.accept("messages[" + i + "]: 'weight' is allowed on assistant turns only");
      } else if (weight != null && !(weight.isIntegralNumber()
          && (weight.asInt() == 0 || weight.asInt() == 1))) {
        problem.accept("messages[" + i + "]: 'weight' is " + weight + "; allowed: 0, 1");
      }
      tokens += TOKENS_PER_MESSAGE;
      for (String key : List.of("role", "content", "name")) {
        JsonNode value = message.get(key);
        if (value != null && value.isTextual()) {
          tokens += count(value.asText()) + (key.equals("name") ? TOKENS_PER_NAME : 0);
        }
      }
    }
    if (!roles.contains("assistant")) {
      problem.accept("no assistant message: there is nothing to train on");
    }
    if (tokens > maxTokens) {
      problem.accept(
          tokens + " tokens (" + tokenizer.configName() + ") is more than the limit " + maxTokens);
    }
    return tokens;
  }
}
