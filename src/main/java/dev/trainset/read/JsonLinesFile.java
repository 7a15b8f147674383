package dev.trainset.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Reason;
import java.io.InputStream;

/**
 * Reads JSON lines: one record per non-blank line; a line that does not parse, is not UTF-8 or is
 * longer than {@code input.max_record_bytes} costs that line.
 */
final class JsonLinesFile {
  /**
   * Reads exactly one JSON value: anything after it on the line is a parse error. Its strings may
   * be as long as a record: {@code input.max_record_bytes} bounds them, not Jackson's default.
   */
  static final ObjectReader ONE_VALUE =
      JsonMapper.builder(JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
              .build())
          .build()
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonLinesFile() {}

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    Lines lines = new Lines(in, emit.maxRecordBytes());
    Lines.Line line;
    while ((line = lines.next()) != null) {
      String where = String.valueOf(line.number());
      String described = "line " + line.number();
      if (line.tooLarge()) {
        emit.tooLarge(where, described, line.length(), line.bytes());
        continue;
      }
      Lines.Decoded text = Lines.decode(line.bytes());
      if (text.badByte() >= 0) {
        emit.notUtf8(where, described, line.bytes(), text, line.offset(), "line");
        continue;
      }
      if (!text.text().isBlank()) {
        parse(text.text(), line.number(), emit);
      }
    }
  }

  /** Whether the line holds one complete JSON value and nothing after it. */
  static boolean isOneValue(String line) {
    try {
      ONE_VALUE.readTree(line);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static void parse(String line, long lineNumber, RecordEmitter emit) {
    JsonNode value;
    try {
      value = ONE_VALUE.readTree(line);
    } catch (JsonProcessingException e) {
      emit.reject(emit.path() + ":" + lineNumber, Reason.PARSE_ERROR,
          "line " + lineNumber + ": " + e.getOriginalMessage(),
          JsonNodeFactory.instance.textNode(line));
      return;
    }
    emit.json(value, String.valueOf(lineNumber), "line " + lineNumber, line);
  }
}
