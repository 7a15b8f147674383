package dev.trainset.formats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a file into lines and decodes each one as strict UTF-8, so that a bad byte is reported
 * on its own line; the line is then decoded leniently and the reading goes on. Holds one line in
 * memory at a time, whatever the size of the file.
 */
final class Utf8Lines {
  /** Receives each line without its {@code \n}; {@code terminated} is false for a last line without one. */
  @FunctionalInterface
  interface Sink {
    void line(long number, String text, boolean terminated) throws IOException;
  }

  private Utf8Lines() {}

  static void read(InputStream in, ReadBack readBack, Sink sink) throws IOException {
    byte[] buffer = new byte[1 << 16];
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    long number = 1;
    int n;
    while ((n = in.read(buffer)) > 0) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          line.write(buffer, start, i - start);
          sink.line(number, decode(line.toByteArray(), number, readBack), true);
          line.reset();
          start = i + 1;
          number++;
        }
      }
      line.write(buffer, start, n - start);
    }
    if (line.size() > 0) {
      sink.line(number, decode(line.toByteArray(), number, readBack), false);
    }
  }

  private static String decode(byte[] bytes, long number, ReadBack readBack) {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CoderResult result = strict.decode(in, CharBuffer.allocate(bytes.length), true);
    if (result.isError()) {
      readBack.problem(number, "not valid UTF-8 (byte " + (in.position() + 1) + " of the line)");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (number == 1 && text.startsWith("\uFEFF")) {
      readBack.problem(1, "starts with a byte order mark; UTF-8 files here carry none");
      return text.substring(1);
    }
    return text;
  }
}
