package dev.trainset.fields;

import static dev.trainset.model.Reason.BAD_FIELD;
import static dev.trainset.model.Reason.MISSING_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.Example;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Message;
import dev.trainset.model.Reason;
import dev.trainset.model.Style;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The {@code fields} section applied to a record: how FilterQuality, ComputeWeights and Segment
 * see a document as an example. With segmentation on, a document is not an example yet: it is
 * seen as a text example of its {@code segment.source_field}, so length bounds, the empty-output
 * check, signals and dedup judge the whole text Segment will cut.
 */
public final class FieldMapping implements Serializable {
  /** Role names other tools use (ShareGPT's human/gpt among them), mapped to trainset's. */
  private static final Map<String, String> ROLES =
      Map.of(
          "user", Message.USER, "human", Message.USER,
          "assistant", Message.ASSISTANT, "gpt", Message.ASSISTANT,
          "bot", Message.ASSISTANT, "model", Message.ASSISTANT,
          "system", "system");

  /** The example a record maps to, or why it maps to none. */
  public record Mapped(@Nullable Example example, @Nullable Reason reason, String detail) {
    public boolean ok() {
      return example != null;
    }
  }

  /** Why a record cannot be mapped; carries no stack trace, as it is an expected outcome. */
  private static final class Problem extends Exception {
    final Reason reason;

    Problem(Reason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  private final PipelineSpec.Fields fields;
  private final Style style;
  private final @Nullable String sourceField;

  public FieldMapping(PipelineSpec.Fields fields) {
    this(fields, (String) null);
  }

  /** Sees documents through {@code fields}, or as their source text with segmentation on. */
  public FieldMapping(PipelineSpec.Fields fields, PipelineSpec.Segment segment) {
    this(fields, segment.enabled() ? segment.sourceField() : null);
  }

  private FieldMapping(PipelineSpec.Fields fields, @Nullable String sourceField) {
    this.fields = fields;
    this.style = fields.style();
    this.sourceField = sourceField;
  }

  /** The {@code fields} section this mapping applies. */
  public PipelineSpec.Fields fields() {
    return fields;
  }

  /** The document's example: its text fields, weight 1, no metadata. */
  public Mapped map(Document document) {
    JsonNode record = document.fields();
    try {
      Example example =
          sourceField != null
              ? Example.text(document.id(), present(record, sourceField))
              : byStyle(document.id(), record);
      return new Mapped(example, null, "");
    } catch (Problem problem) {
      return new Mapped(null, problem.reason, problem.getMessage());
    }
  }

  private Example byStyle(String id, JsonNode record) throws Problem {
    return switch (style) {
      case INSTRUCTION -> Example.instruction(
          id,
          nonEmpty(optional(record, fields.system())),
          required(record, fields.instruction()),
          orEmpty(optional(record, fields.input())),
          present(record, fields.output()));
      case CHAT -> chat(id, record);
      case TEXT -> Example.text(id, present(record, fields.text()));
    };
  }

  private Example chat(String id, JsonNode record) throws Problem {
    List<Message> turns = new ArrayList<>();
    String system = null;
    JsonNode messages =
        fields.messages().isEmpty() ? null : FieldPath.resolve(record, fields.messages());
    if (messages != null) {
      if (!messages.isArray()) {
        throw new Problem(BAD_FIELD, "'" + fields.messages() + "' is not a list of messages");
      }
      for (int i = 0; i < messages.size(); i++) {
        String where = fields.messages() + "[" + i + "]";
        Message message = message(where, messages.get(i));
        if (!message.role().equals("system")) {
          turns.add(message);
        } else if (turns.isEmpty() && system == null) {
          system = message.content();
        } else {
          throw new Problem(BAD_FIELD, "'" + where + "' is a system turn after the first turn");
        }
      }
    } else if (!fields.user().isEmpty() && !fields.assistant().isEmpty()) {
      turns.add(Message.user(required(record, fields.user())));
      turns.add(Message.assistant(present(record, fields.assistant())));
    } else {
      throw new Problem(MISSING_FIELD, "no '" + fields.messages() + "' field in the record");
    }
    if (turns.stream().noneMatch(turn -> turn.role().equals(Message.USER))
        || turns.stream().noneMatch(Message::isAssistant)) {
      throw new Problem(MISSING_FIELD, "the conversation needs a user and an assistant turn");
    }
    return Example.chat(
        id, nonEmpty(system != null ? system : optional(record, fields.system())), turns);
  }

  private static Message message(String where, JsonNode message) throws Problem {
    String role = firstText(message, "role", "from");
    String content = firstText(message, "content", "value");
    if (role == null || content == null) {
      throw new Problem(BAD_FIELD, "'" + where + "' needs a role and a text content");
    }
    String normalized = ROLES.get(role.toLowerCase(Locale.ROOT));
    if (normalized == null) {
      throw new Problem(BAD_FIELD, "'" + where + "' has role '" + role
          + "'; allowed: system, user, assistant (or human, gpt)");
    }
    return new Message(normalized, content);
  }

  /** Text that must be there and not blank. */
  private static String required(JsonNode record, String path) throws Problem {
    String value = present(record, path);
    if (value.isBlank()) {
      throw new Problem(MISSING_FIELD, "'" + path + "' is empty");
    }
    return value;
  }

  /** Text that must be there, though it may be empty (FilterQuality judges empty outputs). */
  private static String present(JsonNode record, String path) throws Problem {
    String value = optional(record, path);
    if (value == null) {
      throw new Problem(MISSING_FIELD, "no '" + path + "' field in the record");
    }
    return value;
  }

  /** Text that may be absent (null); a list or object where text belongs is a problem. */
  private static @Nullable String optional(JsonNode record, String path) throws Problem {
    JsonNode value = path.isEmpty() ? null : FieldPath.resolve(record, path);
    if (value == null) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new Problem(BAD_FIELD, "'" + path + "' is " + (value.isArray() ? "a list" : "an object")
          + ", not text");
    }
    return value.asText();
  }

  private static @Nullable String nonEmpty(@Nullable String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }

  private static @Nullable String firstText(JsonNode message, String key, String alternative) {
    JsonNode value = message.has(key) ? message.get(key) : message.get(alternative);
    return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
  }
}
