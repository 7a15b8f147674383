package dev.trainset.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads JSON lines: one record per non-blank line; a line that does not parse costs that line. */
final class JsonLinesFile {
  /** Reads exactly one JSON value: anything after it on the line is a parse error. */
  private static final ObjectReader ONE_VALUE =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonLinesFile() {}

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    BufferedReader lines = lineReader(in);
    long lineNumber = 0;
    while (true) {
      String line;
      try {
        line = lines.readLine();
      } catch (IOException | RuntimeException e) {
        throw new Unreadable(e);
      }
      if (line == null) {
        return;
      }
      lineNumber++;
      if (!line.isBlank()) {
        parse(line, lineNumber, emit);
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

  static BufferedReader lineReader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
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
