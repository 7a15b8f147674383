package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.util.VarInt;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Field encodings the model's coders share: length-prefixed, null-aware, no Java serialization. */
final class Codings {
  private Codings() {}

  static void writeString(@Nullable String value, OutputStream out) throws IOException {
    if (value == null) {
      VarInt.encode(0, out);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    VarInt.encode(bytes.length + 1, out);
    out.write(bytes);
  }

  static @Nullable String readString(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length == 0) {
      return null;
    }
    return new String(readBytes(in, length - 1), StandardCharsets.UTF_8);
  }

  static void writeTree(@Nullable JsonNode value, OutputStream out) throws IOException {
    if (value == null) {
      VarInt.encode(0, out);
      return;
    }
    byte[] bytes = Json.toSmile(value);
    VarInt.encode(bytes.length + 1, out);
    out.write(bytes);
  }

  static @Nullable JsonNode readTree(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length == 0) {
      return null;
    }
    return Json.fromSmile(readBytes(in, length - 1));
  }

  /** Bytes already encoded as {@link #writeTree} would, so that both read the same way. */
  static void writeTreeBytes(byte[] smile, OutputStream out) throws IOException {
    VarInt.encode(smile.length + 1, out);
    out.write(smile);
  }

  /** The bytes of a tree {@link #writeTree} wrote, not parsed; a null tree is an error here. */
  static byte[] readTreeBytes(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length == 0) {
      throw new IOException("a null tree where a record belongs");
    }
    return readBytes(in, length - 1);
  }

  /** A string-keyed map of JSON values, encoded as one object so key order is kept. */
  static void writeMap(Map<String, JsonNode> map, OutputStream out) throws IOException {
    ObjectNode object = Json.MAPPER.createObjectNode();
    object.setAll(map);
    writeTree(map.isEmpty() ? null : object, out);
  }

  static Map<String, JsonNode> readMap(InputStream in) throws IOException {
    JsonNode object = readTree(in);
    Map<String, JsonNode> map = new LinkedHashMap<>();
    if (object != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        map.put(entry.getKey(), entry.getValue());
      }
    }
    return map;
  }

  static void writeDouble(double value, OutputStream out) throws IOException {
    new DataOutputStream(out).writeLong(Double.doubleToRawLongBits(value));
  }

  static double readDouble(InputStream in) throws IOException {
    return Double.longBitsToDouble(new DataInputStream(in).readLong());
  }

  private static byte[] readBytes(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    new DataInputStream(in).readFully(bytes);
    return bytes;
  }
}
