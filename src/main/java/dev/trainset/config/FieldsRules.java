package dev.trainset.config;

import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;

import dev.trainset.model.Style;
import java.util.HashMap;
import java.util.Map;

/** What the {@code fields} section allows: the fields its style needs are named. */
final class FieldsRules {
  private FieldsRules() {}

  static void check(PipelineSpec.Fields fields) {
    oneOf("fields.style", fields.style(), Style.class);
    switch (fields.style()) {
      case INSTRUCTION -> {
        nonEmpty("fields.instruction", fields.instruction());
        nonEmpty("fields.output", fields.output());
      }
      case CHAT -> {
        if (fields.messages().isEmpty()
            && (fields.user().isEmpty() || fields.assistant().isEmpty())) {
          throw new ConfigException("fields.messages",
              "chat style needs fields.messages, or both fields.user and fields.assistant");
        }
      }
      case TEXT -> nonEmpty("fields.text", fields.text());
    }
    Map<String, String> columns = new HashMap<>();
    for (int i = 0; i < fields.metadata().size(); i++) {
      String key = fields.metadata().get(i);
      nonEmpty("fields.metadata[" + i + "]", key);
      String other = columns.putIfAbsent(PipelineSpec.Fields.metadataColumn(key), key);
      if (other != null && !other.equals(key)) {
        throw new ConfigException("fields.metadata[" + i + "]", "'" + key + "' and '" + other
            + "' would both be the Parquet metadata field '"
            + PipelineSpec.Fields.metadataColumn(key) + "' (letters, digits and _ are kept, any"
            + " other character becomes _): rename one");
      }
    }
  }
}
