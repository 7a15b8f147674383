package dev.trainset.read;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a JSON file: arrays of records, records one after another (pretty-printed or not), or
 * JSON lines under a .json name, as many published datasets are. It is read as JSON lines when
 * its first non-blank line is one complete value, so a bad line costs only that line.
 */
final class JsonFile {
  private JsonFile() {}

  /** How much of a file is looked at to tell JSON lines from the rest. */
  private static final int PEEK = 1 << 20;

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    byte[] head;
    try {
      buffered.mark(PEEK);
      head = buffered.readNBytes(PEEK);
      buffered.reset();
      // Drop the mark, or the buffer would keep what follows too.
      buffered.mark(0);
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
    FirstLine first = firstLine(head);
    if (first == null) {
      return;
    }
    // A first line too long to look at whole is not a pretty-printed file's: JSON lines.
    if (!first.text().strip().startsWith("[")
        && (!first.whole() || JsonLinesFile.isOneValue(first.text()))) {
      JsonLinesFile.read(buffered, emit);
      return;
    }
    try (JsonParser parser = Json.MAPPER.createParser(buffered)) {
      readValues(parser, emit);
    } catch (IOException e) {
      throw new Unreadable(e);
    }
  }

  /** Root values one after another; an array's elements are records, as is a root object. */
  private static void readValues(JsonParser parser, RecordEmitter emit) throws Unreadable {
    long index = 0;
    try {
      JsonToken token;
      while ((token = next(parser)) != null) {
        if (token != JsonToken.START_ARRAY) {
          emitValue(parser, emit, ++index);
          continue;
        }
        while ((token = next(parser)) != JsonToken.END_ARRAY) {
          if (token == null) {
            throw new JsonParseException(parser, "the file ends inside an array");
          }
          emitValue(parser, emit, ++index);
        }
      }
    } catch (JsonProcessingException e) {
      // A syntax error leaves the parser nowhere to resume: the rest of the file is one
      // rejection, so nothing after it is lost without a trace.
      emit.reject(emit.path() + ":" + location(e), Reason.PARSE_ERROR,
          e.getOriginalMessage() + " at " + location(e) + "; the rest of the file was not read",
          null);
    }
  }

  private static JsonToken next(JsonParser parser) throws JsonProcessingException, Unreadable {
    try {
      return parser.nextToken();
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
  }

  /** Reads the value the parser stands on and passes it on as record number {@code index}. */
  private static void emitValue(JsonParser parser, RecordEmitter emit, long index)
      throws JsonProcessingException, Unreadable {
    long line = parser.currentTokenLocation().getLineNr();
    JsonNode value;
    try {
      value = parser.readValueAsTree();
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
    emit.json(value, line + "#" + index, "record " + index + " (line " + line + ")", null);
  }

  /** The first non-blank line of a file; {@code whole} is false when it runs past the peek. */
  private record FirstLine(String text, boolean whole) {}

  private static @Nullable FirstLine firstLine(byte[] head) {
    int start = 0;
    while (start < head.length) {
      int end = start;
      while (end < head.length && head[end] != '\n') {
        end++;
      }
      // Only for telling the format: bytes that are not UTF-8 are refused when the line is read.
      String line = new String(head, start, end - start, StandardCharsets.UTF_8);
      if (!line.isBlank()) {
        return new FirstLine(line, end < head.length || head.length < PEEK);
      }
      start = end + 1;
    }
    return null;
  }

  private static String location(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "?" : "line " + at.getLineNr() + " column " + at.getColumnNr();
  }
}
