package dev.trainset.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a stream line by line as bytes, holding at most {@code limit} bytes of a line: a longer
 * line is passed over to its end and only counted, so no line costs more memory than the limit.
 * Lines end at {@code \n}; a {@code \r} before it is not part of the line. {@link #csvRows}
 * reads CSV rows instead: a line break inside a quoted value (RFC 4180) does not end the row.
 */
final class Lines {
  /**
   * One line: its number (from 1), the offset of its first byte in the stream, its bytes (the
   * first {@code limit} when it is longer) and its whole length.
   */
  record Line(long number, long offset, byte[] bytes, long length) {
    boolean tooLarge() {
      return length > bytes.length;
    }
  }

  private final InputStream in;
  private final int limit;
  private final boolean csv;
  /** CSV only: inside a quoted value; a quote just seen there; nothing yet in this value. */
  private boolean quoted;
  private boolean quotePending;
  private boolean fieldStart = true;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int end;
  private long consumed;
  private long number;
  private boolean ended;

  Lines(InputStream in, int limit) {
    this(in, limit, false);
  }

  private Lines(InputStream in, int limit, boolean csv) {
    this.in = in;
    this.limit = limit;
    this.csv = csv;
  }

  /** The CSV rows of {@code in}, each held up to {@code limit} bytes. */
  static Lines csvRows(InputStream in, int limit) {
    return new Lines(in, limit, true);
  }

  /** The next line, or null at the end of the stream. */
  @Nullable Line next() throws Unreadable {
    long offset = consumed;
    byte[] held = new byte[0];
    int kept = 0;
    long length = 0;
    boolean any = false;
    boolean lastIsReturn = false;
    while (true) {
      if (position == end) {
        if (ended || !fill()) {
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int newline = csv ? rowEnd(position) : lineEnd(position);
      int n = newline - position;
      if (n > 0) {
        int keep = (int) Math.min(n, limit - kept);
        if (keep > 0) {
          if (kept + keep > held.length) {
            held = Arrays.copyOf(held, Math.min(limit, Math.max(kept + keep, 2 * held.length)));
          }
          System.arraycopy(buffer, position, held, kept, keep);
          kept += keep;
        }
        length += n;
        lastIsReturn = buffer[newline - 1] == '\r';
      }
      consumed += n;
      position = newline;
      if (newline < end) {
        position++;
        consumed++;
        break;
      }
    }
    if (lastIsReturn) {
      length--;
      kept = (int) Math.min(kept, length);
    }
    quoted = false;
    quotePending = false;
    fieldStart = true;
    return new Line(++number, offset, kept == held.length ? held : Arrays.copyOf(held, kept), length);
  }

  private int lineEnd(int from) {
    int at = from;
    while (at < end && buffer[at] != '\n') {
      at++;
    }
    return at;
  }

  /**
   * Where the CSV row ends: the first {@code \n} outside quotes. A quote opens a quoted value
   * only as a value's first character, and {@code ""} inside one is a quote, as Jackson's CSV
   * parser reads them; a row whose quote is never closed runs to the end of the file.
   */
  private int rowEnd(int from) {
    for (int at = from; at < end; at++) {
      byte b = buffer[at];
      if (quoted) {
        if (!quotePending) {
          quotePending = b == '"';
          continue;
        }
        quotePending = false;
        if (b == '"') {
          continue;
        }
        quoted = false;
      }
      if (b == '\n') {
        return at;
      }
      if (b == '"' && fieldStart) {
        quoted = true;
      }
      fieldStart = b == ',';
    }
    return end;
  }

  private boolean fill() throws Unreadable {
    int n;
    try {
      n = in.read(buffer);
    } catch (IOException | RuntimeException e) {
      // A line cut by the failure is part of what the file's rejection says was not read.
      throw new Unreadable(e);
    }
    if (n < 0) {
      ended = true;
      return false;
    }
    position = 0;
    end = n;
    return true;
  }

  /**
   * The text of UTF-8 {@code bytes}; {@code badByte} is the offset of the first byte that is not
   * valid UTF-8 (the text then has U+FFFD in its place), or -1.
   */
  record Decoded(String text, int badByte) {}

  static Decoded decode(byte[] bytes) {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never gives more chars than bytes.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = strict.decode(in, out, true);
    if (!result.isError()) {
      result = strict.flush(out);
    }
    if (result.isError()) {
      return new Decoded(new String(bytes, StandardCharsets.UTF_8), in.position());
    }
    return new Decoded(out.flip().toString(), -1);
  }

  /** Up to {@code count} bytes of {@code bytes} from {@code from}, in hex: {@code c3 20 61}. */
  static String hex(byte[] bytes, int from, int count) {
    StringBuilder hex = new StringBuilder();
    for (int i = from; i < Math.min(bytes.length, from + count); i++) {
      hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
    }
    return hex.toString();
  }
}
