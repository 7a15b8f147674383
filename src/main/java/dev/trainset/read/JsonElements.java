package dev.trainset.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.BitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Cuts a JSON file into its records' bytes without parsing them: each element of a root array and
 * each other root value. It follows only strings and brackets, so a record that does not parse is
 * cut out whole and the next one is found after it.
 *
 * <p>A record whose brackets do not balance has no end to find: the next line that starts with
 * {@code {} no more indented than the record's first line starts the next record (in a valid file
 * such a line is nested deeper, or the record ends first); without one, the rest of the file goes
 * with the record.
 */
final class JsonElements {
  /** What a piece of the file is. */
  enum Kind {
    /** A record's bytes, whether or not they parse. */
    RECORD,
    /** A record that does not balance, with the rest of the file, which was skipped. */
    REST,
    /** The end of the file inside a root array; {@code line} is where the array opened. */
    UNCLOSED_ARRAY
  }

  /**
   * A piece of the file starting at {@code line} and byte {@code offset}, {@code length} bytes
   * long over {@code lines} lines; {@code bytes} holds at most the record limit of them.
   */
  record Piece(Kind kind, byte[] bytes, long length, long line, long lines, long offset) {}

  private static final int CHUNK = 1 << 16;
  private final InputStream in;
  private final int limit;
  private byte[] buffer = new byte[CHUNK];
  private int position;
  private int end;
  /** The byte offset and line number of {@code buffer[position]}. */
  private long offset;
  private long line = 1;
  /** Whether only white space precedes {@code buffer[position]} on its line, and how much. */
  private boolean lineStart = true;
  private int indent;
  private boolean inArray;
  private long arrayLine;
  private byte[] held = new byte[256];
  private int heldLength;

  JsonElements(InputStream in, int limit) throws IOException {
    this.in = in;
    this.limit = limit;
    if (peek() == 0xEF && end - position >= 3 && buffer[position + 1] == (byte) 0xBB
        && buffer[position + 2] == (byte) 0xBF) {
      // A byte order mark, which Jackson skips too.
      position += 3;
      offset += 3;
    }
  }

  /** The next piece of the file, or null at its end. */
  @Nullable Piece next() throws IOException {
    while (true) {
      int b = skipWhiteSpace();
      if (b < 0) {
        if (inArray) {
          inArray = false;
          return new Piece(Kind.UNCLOSED_ARRAY, new byte[0], 0, arrayLine, 0, offset);
        }
        return null;
      }
      if (inArray && (b == ']' || b == ',')) {
        // Empty elements (",,", a trailing ",") hold no record: nothing is lost passing them.
        inArray = b == ',';
        take();
      } else if (!inArray && b == '[') {
        inArray = true;
        arrayLine = line;
        take();
      } else {
        return value();
      }
    }
  }

  /** The value that starts at the current byte: up to "," or "]" in an array, else its end. */
  private Piece value() throws IOException {
    long startLine = line;
    long startOffset = offset;
    int startIndent = indent;
    boolean scalar = !inArray && peek() != '{';
    heldLength = 0;
    long length = 0;
    // Which open brackets are "{", by depth.
    BitSet objects = new BitSet();
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    int resync = -1;
    long resyncLine = 0;
    long resyncOffset = 0;
    int resyncIndent = 0;
    boolean balanced = true;
    int b;
    while ((b = peek()) >= 0) {
      if (lineStart && b == '{' && (depth > 0 || inString) && indent <= startIndent
          && resync < 0 && length == heldLength) {
        resync = heldLength;
        resyncLine = line;
        resyncOffset = offset;
        resyncIndent = indent;
      }
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
      } else if (depth == 0 && length > 0 && (inArray ? b == ',' || b == ']'
          : scalar && (isWhiteSpace(b) || "{}[]\",".indexOf(b) >= 0))) {
        break;
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        objects.set(depth++, b == '{');
      } else if ((b == '}' || b == ']') && depth > 0) {
        if (objects.get(depth - 1) != (b == '}')) {
          balanced = false;
          length += hold(b);
          break;
        }
        depth--;
      }
      length += hold(b);
      if (depth == 0 && !inArray && !scalar && !inString) {
        break;
      }
      if (scalar && !inArray && length == 1 && "}],".indexOf(b) >= 0) {
        // A stray close or comma at the root is a value of its own that does not parse.
        break;
      }
    }
    if (balanced && depth == 0 && !inString) {
      return new Piece(Kind.RECORD, heldBytes(), length, startLine, line - startLine + 1,
          startOffset);
    }
    if (resync >= 0 && length == heldLength) {
      byte[] record = Arrays.copyOf(held, resync);
      pushBack(Arrays.copyOfRange(held, resync, heldLength), resyncLine, resyncOffset,
          resyncIndent);
      return new Piece(Kind.RECORD, record, record.length, startLine, resyncLine - startLine + 1,
          startOffset);
    }
    byte[] head = heldBytes();
    while (peek() >= 0) {
      take();
      length++;
    }
    inArray = false;
    // A last line break ends the last line skipped; it does not start another.
    return new Piece(Kind.REST, head, length, startLine,
        line - startLine + (lineStart && indent == 0 ? 0 : 1), startOffset);
  }

  private byte[] heldBytes() {
    return Arrays.copyOf(held, heldLength);
  }

  /** Takes the current byte, kept while the record is within the limit; returns 1. */
  private int hold(int b) throws IOException {
    if (heldLength < limit) {
      if (heldLength == held.length) {
        held = Arrays.copyOf(held, (int) Math.min(limit, 2L * held.length));
      }
      held[heldLength++] = (byte) b;
    }
    take();
    return 1;
  }

  private int skipWhiteSpace() throws IOException {
    int b;
    while ((b = peek()) >= 0 && isWhiteSpace(b)) {
      take();
    }
    return b;
  }

  private static boolean isWhiteSpace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  /** The current byte, or -1 at the end of the file. */
  private int peek() throws IOException {
    if (position == end) {
      if (buffer.length < CHUNK) {
        buffer = new byte[CHUNK];
      }
      int read = in.readNBytes(buffer, 0, buffer.length);
      position = 0;
      end = read;
      if (read <= 0) {
        end = 0;
        return -1;
      }
    }
    return buffer[position] & 0xFF;
  }

  private void take() {
    int b = buffer[position++];
    offset++;
    if (b == '\n') {
      line++;
      lineStart = true;
      indent = 0;
    } else if (lineStart && (b == ' ' || b == '\t' || b == '\r')) {
      indent++;
    } else {
      lineStart = false;
    }
  }

  /**
   * Reads {@code bytes} again before the rest, as from line {@code at}, byte {@code from}, after
   * {@code indent} bytes of white space on that line.
   */
  private void pushBack(byte[] bytes, long at, long from, int indent) {
    byte[] rest = new byte[bytes.length + end - position];
    System.arraycopy(bytes, 0, rest, 0, bytes.length);
    System.arraycopy(buffer, position, rest, bytes.length, end - position);
    buffer = rest;
    position = 0;
    end = rest.length;
    line = at;
    offset = from;
    lineStart = true;
    this.indent = indent;
  }
}
