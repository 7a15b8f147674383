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
 * {@code sharegpt}: one JSON array per file of {@code {"conversations":[{"from":"human"|"gpt",
 * "value"}],"system"}}, as LLaMA-Factory's {@code sharegpt} formatting and Axolotl's chat
 * templates read it. Both expect human and gpt turns to alternate, human first and gpt last, so a
 * chat that does not goes to validation, as does a text example.
 */
final class SharegptFormat implements JsonArrayFormat {
  static final String NAME = "sharegpt";
  static final String HUMAN = "human";
  static final String GPT = "gpt";

  private static final Set<String> RECORD_KEYS = Set.of("conversations", "system");
  private static final RecordChecks.TurnShape TURN =
      new RecordChecks.TurnShape("from", "value", Set.of(HUMAN, GPT), Set.of("from", "value"));

  SharegptFormat(PipelineSpec.Output output) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    String missing = Turns.missingAssistantTurn(example);
    return missing != null ? missing : Turns.notAlternating(example.turns());
  }

  @Override
  public String encode(Example example) {
    return JsonWriter.object(json -> {
      json.writeArrayFieldStart("conversations");
      for (Message turn : example.turns()) {
        json.writeStartObject();
        json.writeStringField("from", turn.isAssistant() ? GPT : HUMAN);
        json.writeStringField("value", turn.content());
        json.writeEndObject();
      }
      json.writeEndArray();
      if (example.system() != null && !example.system().isEmpty()) {
        json.writeStringField("system", example.system());
      }
    });
  }

  @Override
  public FileCheck fileCheck() {
    return JsonRecords.array(SharegptFormat::checkRecord);
  }

  private static long checkRecord(JsonNode record, Consumer<String> problem) {
    RecordChecks.onlyKeys(record, RECORD_KEYS, "", problem);
    RecordChecks.text(record, "system", false, problem);
    List<String> roles = RecordChecks.turns(record, "conversations", TURN, problem);
    if (roles != null) {
      RecordChecks.alternating(roles, "conversations", HUMAN, GPT, problem);
    }
    return 0;
  }
}
