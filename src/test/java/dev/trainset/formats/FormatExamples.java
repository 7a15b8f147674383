package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fixed examples every format test encodes, and a file assembled as WriteFormats does. */
final class FormatExamples {
  /** No system, empty input, metadata with one key. */
  static final Example INSTRUCTION =
      Example.instruction("ins-1", null, "Name a colour.", "", "Blue.")
          .withSplit("train")
          .withWeight(1.5)
          .withMetadata(Map.of("source_id", TextNode.valueOf("doc-1")));

  /** A system prompt and an input. */
  static final Example INSTRUCTION_WITH_INPUT =
      Example.instruction("ins-2", "Be brief.", "Translate to French.", "cat", "chat")
          .withSplit("train");

  /** A system prompt and two user/assistant exchanges. */
  static final Example CHAT =
      Example.chat("chat-1", "You are terse.", List.of(
              Message.user("Hi"),
              Message.assistant("Hello."),
              Message.user("Capital of France?"),
              Message.assistant("Paris.")))
          .withSplit("validation")
          .withWeight(0.5)
          .withMetadata(ordered("source_id", TextNode.valueOf("doc-2"),
              "segment_index", IntNode.valueOf(0)));

  static final Example TEXT =
      Example.text("text-1", "The cat sat.\nThe dog ran.").withSplit("test");

  private FormatExamples() {}

  static OutputFormat format(String name, String yaml) {
    return Formats.create(name, Fixtures.spec(yaml).output());
  }

  static OutputFormat format(String name) {
    return format(name, "");
  }

  static Map<String, JsonNode> ordered(Object... pairs) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (JsonNode) pairs[i + 1]);
    }
    return map;
  }

  /** One file's text, framed the way WriteFormats.FormatSink writes it. */
  static String file(OutputFormat format, Example... examples) {
    StringBuilder file = new StringBuilder(format.open());
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        file.append(format.between());
      }
      file.append(format.encode(examples[i])).append(format.after());
    }
    return file.append(format.close()).toString();
  }

  /** Reads {@code text} back as a file of {@code format}. */
  static ReadBack readBack(OutputFormat format, String text) {
    return readBack(format, text.getBytes(StandardCharsets.UTF_8));
  }

  static ReadBack readBack(OutputFormat format, byte[] bytes) {
    ReadBack readBack = new ReadBack();
    try {
      format.fileCheck().check(new ByteArrayInputStream(bytes), readBack);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return readBack;
  }

  /** Each problem as {@code line: what}. */
  static List<String> problems(ReadBack readBack) {
    return readBack.problems().stream().map(p -> p.line() + ": " + p.what()).toList();
  }
}
