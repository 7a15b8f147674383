package dev.trainset.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Document;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import dev.trainset.model.LocalProgress;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.Rejections;
import dev.trainset.model.Stage;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Passes one file's parsed values on, as documents or as rejections with {@code stage=read}; the
 * format readers ({@link JsonLinesFile}, {@link JsonFile}, {@link CsvFile}) hand it what they
 * parse.
 */
final class RecordEmitter {
  /** How many characters of a record too large to read its rejection shows. */
  private static final int PREVIEW = 100;
  private static final Pattern COMPRESSED =
      Pattern.compile("\\.(gz|bz2|zst|zstd|deflate)$", Pattern.CASE_INSENSITIVE);
  private final String path;
  private final String idField;
  private final DoFn.MultiOutputReceiver out;
  private final Counter documentsRead;
  private final int maxRecordBytes;
  private final int maxDepth;
  private long count;

  RecordEmitter(String path, String idField, int maxRecordBytes, int maxDepth,
      DoFn.MultiOutputReceiver out, Counter documentsRead) {
    this.path = path;
    this.idField = idField;
    this.maxRecordBytes = maxRecordBytes;
    this.maxDepth = maxDepth;
    this.out = out;
    this.documentsRead = documentsRead;
  }

  /** Reads one JSON value within {@code input.max_depth}. */
  ObjectReader oneValue() {
    return JsonLinesFile.oneValue(maxDepth);
  }

  /** {@code input.max_record_bytes}: a longer JSON line, JSON record or CSV row is refused. */
  int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** The file's path, the start of every origin and of every rejection id but a whole file's. */
  String path() {
    return path;
  }

  /** How many records of the file were passed on so far, documents and rejections. */
  long count() {
    return count;
  }

  /**
   * A parsed value at {@code where} (what follows "file:" in its origin), {@code described} for
   * people ("line 3"); {@code raw} is its text as read, kept when it is refused for its encoding.
   */
  void json(JsonNode value, String where, String described, @Nullable String raw) {
    if (!value.isObject()) {
      String loneSurrogate = loneSurrogate(value, "");
      if (loneSurrogate != null) {
        rejectEncoding(where, described, loneSurrogate, raw);
        return;
      }
      reject(path + ":" + where, Reason.NOT_AN_OBJECT,
          described + " holds " + value.getNodeType().name().toLowerCase(Locale.ROOT)
              + ", not a JSON object",
          value);
      return;
    }
    record((ObjectNode) value, where, described, raw);
  }

  void record(ObjectNode record, String where, String described, @Nullable String raw) {
    String loneSurrogate = loneSurrogate(record, "");
    if (loneSurrogate != null) {
      rejectEncoding(where, described, loneSurrogate, raw);
      return;
    }
    count++;
    documentsRead.inc();
    LocalProgress.read();
    out.get(ReadDocuments.DOCUMENTS)
        .output(Document.read(idOf(record), path + ":" + where, record));
  }

  void reject(String id, Reason reason, String detail, @Nullable JsonNode original) {
    count++;
    LocalProgress.read();
    out.get(Rejected.TAG).output(Rejections.of(id, Stage.READ, reason, detail, original));
  }

  /**
   * The text of {@code line}, or null when it is refused: over {@code input.max_record_bytes}
   * ({@code too_large}; only its first bytes were held) or not UTF-8 ({@code bad_encoding});
   * {@code unit} is what a line is in the file ({@code line}, {@code row}).
   */
  @Nullable String text(Lines.Line line, String where, String described, String unit) {
    if (line.tooLarge()) {
      tooLarge(where, described, line.length(), line.bytes());
      return null;
    }
    Lines.Decoded text = Lines.decode(line.bytes());
    if (text.badByte() >= 0) {
      notUtf8(where, described, line.bytes(), text, line.offset(), unit);
      return null;
    }
    return text.text();
  }

  /** A record of {@code length} bytes, over the limit; {@code head} is its first bytes. */
  void tooLarge(String where, String described, long length, byte[] head) {
    String text = new String(head, 0, Math.min(head.length, 4 * PREVIEW), StandardCharsets.UTF_8);
    String preview = text.codePointCount(0, text.length()) <= PREVIEW
        ? text : text.substring(0, text.offsetByCodePoints(0, PREVIEW));
    reject(path + ":" + where, Reason.TOO_LARGE, described + " is " + length
        + " bytes, over input.max_record_bytes (" + maxRecordBytes + "); it begins: " + preview
        + "...", null);
  }

  /** A record that nests deeper than {@code input.max_depth}; {@code raw} is its text. */
  void tooDeep(String where, String described, String raw) {
    reject(path + ":" + where, Reason.TOO_DEEP, described
        + " nests arrays and objects deeper than input.max_depth (" + maxDepth + ")",
        JsonNodeFactory.instance.textNode(raw));
  }

  /**
   * A record whose bytes are not UTF-8; {@code offset} is where its first byte is in the file,
   * {@code unit} what the record is in the file ({@code line}, {@code record}, {@code row}).
   */
  void notUtf8(String where, String described, byte[] bytes, Lines.Decoded text, long offset,
      String unit) {
    reject(path + ":" + where, Reason.BAD_ENCODING, described + ": not valid UTF-8 at byte "
        + text.badByte() + " of the " + unit + " (byte " + (offset + text.badByte())
        + " of the file): "
        + Lines.hex(bytes, text.badByte(), 3) + "; the original shows U+FFFD in its place",
        JsonNodeFactory.instance.textNode(text.text()));
  }

  /**
   * The rest of the file, after a failure to read it ({@code cause}): one rejection saying what
   * happened and how many records before it were read.
   */
  void stopped(Throwable cause) {
    if (count == 0 && notOpened(cause)) {
      unopened(cause);
      return;
    }
    long before = count;
    reject(path, Reason.UNREADABLE_FILE, "reading stopped at record " + (before + 1) + ": "
        + whatHappened(cause) + (before > 0 ? "; the " + before + " records before it were read" : ""),
        null);
  }

  /** A file that was listed but could not be opened ({@code cause}): one rejection for it. */
  private void unopened(Throwable cause) {
    reject(path, Reason.UNREADABLE_FILE, "the file was listed but could not be opened: "
        + whatHappened(cause) + " (removed, renamed or not readable by this process)", null);
  }

  /** Whether {@code cause} says the file is not there or not readable, not that it is corrupt. */
  private static boolean notOpened(Throwable cause) {
    for (Throwable at = cause; at != null; at = at.getCause()) {
      if (at instanceof FileNotFoundException || at instanceof NoSuchFileException
          || at instanceof AccessDeniedException) {
        return true;
      }
    }
    return false;
  }

  private String whatHappened(Throwable cause) {
    if (cause instanceof EOFException) {
      // Decompressors end a stream cut short with an EOFException that has no message.
      return COMPRESSED.matcher(path).find()
          ? "unexpected end of the compressed stream (the file is cut short)"
          : "unexpected end of the file";
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }

  private void rejectEncoding(
      String where, String described, String problem, @Nullable String raw) {
    reject(path + ":" + where, Reason.BAD_ENCODING,
        described + ": " + problem + "; it cannot be written as UTF-8",
        raw == null ? null : JsonNodeFactory.instance.textNode(raw));
  }

  /**
   * Where {@code value} holds a UTF-16 surrogate without its other half (a JSON escape of one half
   * alone makes one; no UTF-8 encoder can write it), or null when nowhere.
   */
  static @Nullable String loneSurrogate(JsonNode value, String at) {
    if (value.isTextual()) {
      int index = loneSurrogateIndex(value.textValue());
      return index < 0 ? null : "the string at " + (at.isEmpty() ? "the top" : at)
          + " holds a lone surrogate " + escaped(value.textValue().charAt(index))
          + " at character " + (index + 1);
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        int index = loneSurrogateIndex(field.getKey());
        if (index >= 0) {
          return "a field name holds a lone surrogate " + escaped(field.getKey().charAt(index))
              + " at character " + (index + 1);
        }
        String inside = loneSurrogate(field.getValue(), join(at, field.getKey()));
        if (inside != null) {
          return inside;
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        String inside = loneSurrogate(value.get(i), join(at, String.valueOf(i)));
        if (inside != null) {
          return inside;
        }
      }
    }
    return null;
  }

  private static String join(String at, String key) {
    return at.isEmpty() ? key : at + "." + key;
  }

  private static String escaped(char c) {
    return String.format(Locale.ROOT, "\\u%04x", (int) c);
  }

  /** The index of the first unpaired surrogate in {@code text}, or -1. */
  private static int loneSurrogateIndex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The id field's value when it is text or a number; else a stable hash of the content. */
  private String idOf(ObjectNode record) {
    String id = FieldPath.text(record, idField);
    return id != null && !id.isEmpty() ? id : Hashes.sha256Hex(Json.write(record), 16);
  }
}
