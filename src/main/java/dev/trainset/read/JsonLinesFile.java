package dev.trainset.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Reason;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JSON lines: one record per non-blank line; a line that does not parse, is not UTF-8, is
 * longer than {@code input.max_record_bytes} or nests deeper than {@code input.max_depth} costs
 * that line.
 */
final class JsonLinesFile {
  /** Readers of one value by depth limit: few settings are ever used, each made once. */
  private static final Map<Integer, ObjectReader> BY_DEPTH = new ConcurrentHashMap<>();

  /** Reads one value nested at most 1000 deep (input.max_depth's default and its most). */
  static final ObjectReader ONE_VALUE = oneValue(1000);

  /**
   * Reads exactly one JSON value: anything after it on the line is a parse error. Its strings may
   * be as long as a record: {@code input.max_record_bytes} bounds them, not Jackson's default;
   * arrays and objects nest at most {@code maxDepth} deep ({@link #tooDeep} tells that failure).
   */
  static ObjectReader oneValue(int maxDepth) {
    return BY_DEPTH.computeIfAbsent(maxDepth, depth ->
        JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(depth)
                    .build())
                .build())
            .build()
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
  }

  /** Whether Jackson refused a value for nesting deeper than its reader's limit. */
  static boolean tooDeep(JsonProcessingException e) {
    // Jackson tells its limits apart only by the message.
    return e instanceof StreamConstraintsException
        && String.valueOf(e.getOriginalMessage()).contains("nesting depth");
  }

  private JsonLinesFile() {}

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    Lines lines = new Lines(in, emit.maxRecordBytes());
    Lines.Line line;
    while ((line = lines.next()) != null) {
      String text = emit.text(line, String.valueOf(line.number()), "line " + line.number(),
          "line");
      if (text != null && !text.isBlank()) {
        parse(text, line.number(), emit);
      }
    }
  }

  /** Whether the line holds one complete JSON value and nothing after it. */
  static boolean isOneValue(String line) {
    try {
      ONE_VALUE.readTree(line);
      return true;
    } catch (JsonProcessingException e) {
      // A value too deep to read is still one line's value.
      return tooDeep(e);
    }
  }

  private static void parse(String line, long lineNumber, RecordEmitter emit) {
    JsonNode value;
    try {
      value = emit.oneValue().readTree(line);
    } catch (JsonProcessingException e) {
      if (tooDeep(e)) {
        emit.tooDeep(String.valueOf(lineNumber), "line " + lineNumber, line);
        return;
      }
      emit.reject(emit.path() + ":" + lineNumber, Reason.PARSE_ERROR,
          "line " + lineNumber + ": " + e.getOriginalMessage(),
          JsonNodeFactory.instance.textNode(line));
      return;
    }
    emit.json(value, String.valueOf(lineNumber), "line " + lineNumber, line);
  }
}
