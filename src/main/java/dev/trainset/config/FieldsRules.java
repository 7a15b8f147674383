package dev.trainset.config;

import static dev.trainset.config.Checks.nonEmpty;
import static dev.trainset.config.Checks.oneOf;

import dev.trainset.model.Style;

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
    for (int i = 0; i < fields.metadata().size(); i++) {
      nonEmpty("fields.metadata[" + i + "]", fields.metadata().get(i));
    }
  }
}
