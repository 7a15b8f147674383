package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One training example, as Segment cut it from a document and as every format writes it.
 *
 * <p>Which text fields are set depends on {@link #style()}: instruction examples have {@code
 * instruction}, {@code input} (may be empty) and {@code output}; chat examples have {@code
 * messages} (user and assistant turns, in order); text examples have {@code text}. Any style may
 * carry a {@code system} prompt. {@code metadata} is exported with the example; {@code
 * attributes} are record fields later stages need (stratum, group, partition values) and are not
 * exported.
 */
@DefaultCoder(ExampleCoder.class)
public record Example(
    String id,
    Style style,
    @Nullable String system,
    @Nullable String instruction,
    @Nullable String input,
    @Nullable String output,
    List<Message> messages,
    @Nullable String text,
    double weight,
    @Nullable String split,
    Map<String, JsonNode> metadata,
    Map<String, JsonNode> attributes) {
  /** The metadata key naming the document an example was cut from (segmentation on). */
  public static final String SOURCE_ID = "source_id";

  /** The metadata key holding an example's place among its document's blocks, from 0. */
  public static final String SEGMENT_INDEX = "segment_index";

  /** The stratum of an example whose {@code split.stratify_by} value is missing or blank. */
  public static final String MISSING_STRATUM = "__missing__";


  public Example {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(style, "style");
    messages = List.copyOf(messages);
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  public static Example instruction(
      String id, @Nullable String system, String instruction, String input, String output) {
    return new Example(
        id, Style.INSTRUCTION, system, instruction, input, output, List.of(), null, 1.0, null,
        Map.of(), Map.of());
  }

  public static Example chat(String id, @Nullable String system, List<Message> messages) {
    return new Example(
        id, Style.CHAT, system, null, null, null, messages, null, 1.0, null, Map.of(), Map.of());
  }

  public static Example text(String id, String text) {
    return new Example(
        id, Style.TEXT, null, null, null, null, List.of(), text, 1.0, null, Map.of(), Map.of());
  }

  public Example withWeight(double newWeight) {
    return new Example(
        id, style, system, instruction, input, output, messages, text, newWeight, split, metadata,
        attributes);
  }

  public Example withSplit(String newSplit) {
    return new Example(
        id, style, system, instruction, input, output, messages, text, weight, newSplit, metadata,
        attributes);
  }

  public Example withMetadata(Map<String, JsonNode> newMetadata) {
    return new Example(
        id, style, system, instruction, input, output, messages, text, weight, split, newMetadata,
        attributes);
  }

  public Example withAttributes(Map<String, JsonNode> newAttributes) {
    return new Example(
        id, style, system, instruction, input, output, messages, text, weight, split, metadata,
        newAttributes);
  }

  /**
   * The conversation this example stands for: chat turns as they are; an instruction example as
   * one user turn (instruction, then input after a blank line) and one assistant turn; a text
   * example has none.
   */
  public List<Message> turns() {
    switch (style) {
      case CHAT:
        return messages;
      case INSTRUCTION:
        String prompt = input == null || input.isEmpty() ? instruction : instruction + "\n\n" + input;
        return List.of(Message.user(prompt), Message.assistant(output));
      default:
        return List.of();
    }
  }

  /**
   * Everything the example says, its parts joined by newlines: what length bounds and exact
   * dedup judge.
   */
  public String fullText() {
    StringBuilder all = new StringBuilder();
    if (system != null) {
      all.append(system).append('\n');
    }
    switch (style) {
      case INSTRUCTION:
        all.append(instruction).append('\n').append(input).append('\n').append(output);
        break;
      case CHAT:
        all.append(messages.stream().map(Message::content).collect(Collectors.joining("\n")));
        break;
      default:
        all.append(text);
    }
    return all.toString();
  }

  /** The text an example is trained to produce: output, the assistant turns, or the text. */
  public String outputText() {
    switch (style) {
      case INSTRUCTION:
        return output;
      case CHAT:
        return messages.stream()
            .filter(Message::isAssistant)
            .map(Message::content)
            .collect(Collectors.joining("\n"));
      default:
        return text;
    }
  }

  /**
   * A value for {@code stratify_by}, {@code group_by} or {@code partition_by}: the metadata key
   * if the example has it, else the record field Segment carried; null when neither exists.
   */
  public @Nullable JsonNode lookup(String key) {
    JsonNode value = metadata.get(key);
    return value != null ? value : attributes.get(key);
  }

  /** {@link #lookup} as text: a scalar's text, a list's or object's JSON; null if absent. */
  public @Nullable String lookupText(String key) {
    JsonNode value = lookup(key);
    if (value == null) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /**
   * The example's stratum under {@code stratifyBy} (a metadata key or record field): its value,
   * {@link #MISSING_STRATUM} when missing or blank, and "" when the split is not stratified.
   */
  public String stratum(String stratifyBy) {
    if (stratifyBy.isEmpty()) {
      return "";
    }
    String value = lookupText(stratifyBy);
    return value == null || value.isBlank() ? MISSING_STRATUM : value;
  }
}
