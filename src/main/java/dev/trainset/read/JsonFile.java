package dev.trainset.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
    readValues(buffered, emit);
  }

  /** Root values one after another; an array's elements are records, as is a root object. */
  private static void readValues(InputStream in, RecordEmitter emit) throws Unreadable {
    long index = 0;
    JsonElements pieces;
    try {
      pieces = new JsonElements(in, emit.maxRecordBytes());
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
    JsonElements.Piece piece;
    while ((piece = next(pieces)) != null) {
      if (piece.kind() == JsonElements.Kind.UNCLOSED_ARRAY) {
        emit.reject(emit.path() + ":" + piece.line(), Reason.PARSE_ERROR, "the array that"
            + " opens at line " + piece.line() + " is not closed before the end of the file",
            null);
        continue;
      }
      index++;
      String where = piece.line() + "#" + index;
      String described = "record " + index + " (line " + piece.line() + ")";
      if (piece.kind() == JsonElements.Kind.REST) {
        emit.reject(emit.path() + ":" + where, Reason.PARSE_ERROR, described + ": "
            + problem(piece.bytes()) + "; its brackets do not balance and no later line starts"
            + " a record, so it and the rest of the file were skipped: " + piece.length()
            + " bytes on " + piece.lines() + (piece.lines() == 1 ? " line" : " lines"), null);
      } else if (piece.length() > emit.maxRecordBytes()) {
        emit.tooLarge(where, described, piece.length(), piece.bytes());
      } else {
        emitRecord(piece, where, described, emit);
      }
    }
  }

  private static JsonElements.@Nullable Piece next(JsonElements pieces) throws Unreadable {
    try {
      return pieces.next();
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
  }

  /**
   * Parses one record's bytes on their own, so that if they do not parse they cost only it; bytes
   * that are not UTF-8 are refused before Jackson, which would read some of them as text.
   */
  private static void emitRecord(JsonElements.Piece piece, String where, String described,
      RecordEmitter emit) {
    Lines.Decoded text = Lines.decode(piece.bytes());
    if (text.badByte() >= 0) {
      emit.notUtf8(where, described, piece.bytes(), text, piece.offset(), "record");
      return;
    }
    JsonNode value;
    try {
      value = emit.oneValue().readTree(piece.bytes());
    } catch (IOException e) {
      if (e instanceof JsonProcessingException processing && JsonLinesFile.tooDeep(processing)) {
        emit.tooDeep(where, described, text.text());
        return;
      }
      emit.reject(emit.path() + ":" + where, Reason.PARSE_ERROR, described + ": " + message(e),
          JsonNodeFactory.instance.textNode(text.text().strip()));
      return;
    }
    emit.json(value, where, described, null);
  }

  /** What Jackson finds wrong with {@code bytes}. */
  private static String problem(byte[] bytes) {
    try {
      JsonLinesFile.ONE_VALUE.readTree(bytes);
      return "it does not end";
    } catch (IOException e) {
      return message(e);
    }
  }

  private static String message(IOException e) {
    return e instanceof JsonProcessingException processing
        ? processing.getOriginalMessage() : String.valueOf(e.getMessage());
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
}
