package dev.trainset.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.ChannelInputFile;
import dev.trainset.model.Json;
import dev.trainset.model.LocalProgress;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.InputFile;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a Parquet file with parquet-avro (the reader ParquetIO uses), the schema taken from the
 * file's footer: each row becomes a record as its JSON would be, structs as objects, lists as
 * arrays and maps as objects, so dotted paths reach nested values as in JSON input. Strings are
 * text; binary columns are text when they are UTF-8 and base64 otherwise; decimals are numbers;
 * dates, times and timestamps are ISO-8601 text (timestamps in UTC); a NaN or infinite float is
 * the text {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}, which JSON cannot hold.
 *
 * <p>A row is {@code file:n}, n counting from 1. A file that is not Parquet, is cut short or fails
 * to decode is one {@code unreadable_file} rejection, after the rows read before the failure.
 */
final class ParquetFile {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ParquetFile() {}

  /**
   * Reads {@code file}'s rows into {@code emit}; {@code extra}, when given, is a field name and
   * value set on every record (a dataset folder's split).
   */
  static void read(FileIO.ReadableFile file, RecordEmitter emit,
      Map.@Nullable Entry<String, String> extra) throws Unreadable {
    try (SeekableByteChannel channel = openSeekable(file);
        ParquetReader<GenericRecord> reader = open(new ChannelInputFile(channel, emit.path()))) {
      long row = 0;
      ObjectNode fields;
      while ((fields = next(reader)) != null) {
        row++;
        if (extra != null) {
          fields.put(extra.getKey(), extra.getValue());
        }
        emit.record(fields, String.valueOf(row), "row " + row, null);
      }
      // A Parquet file is read by columns and pages, not from start to end: it counts as read,
      // for the progress line, once all its rows are.
      LocalProgress.bytesRead(file.getMetadata().sizeBytes());
    } catch (IOException e) {
      // Closing failed after every row was read: nothing is lost.
    }
  }

  private static SeekableByteChannel openSeekable(FileIO.ReadableFile file) throws Unreadable {
    try {
      return file.openSeekable();
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
  }

  private static ParquetReader<GenericRecord> open(InputFile file) throws Unreadable {
    Configuration conf = new Configuration(false);
    // Lists as arrays of their elements, not of one-field records, whatever wrote them.
    conf.setBoolean("parquet.avro.add-list-element-records", false);
    // INT96 timestamps (older Spark and Impala) as 12 bytes rather than a refusal of the file.
    conf.setBoolean("parquet.avro.readInt96AsFixed", true);
    try {
      return AvroParquetReader.<GenericRecord>builder(file)
          .withDataModel(GenericData.get())
          .withConf(conf)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
  }

  /** The next row as JSON, or null at the end; a failure to read or decode stops the file. */
  private static @Nullable ObjectNode next(ParquetReader<GenericRecord> reader)
      throws Unreadable {
    try {
      GenericRecord record = reader.read();
      return record == null ? null : object(record);
    } catch (IOException | RuntimeException e) {
      throw new Unreadable(e);
    }
  }

  static ObjectNode object(GenericRecord record) {
    ObjectNode node = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      node.set(field.name(), value(record.get(field.pos()), field.schema()));
    }
    return node;
  }

  /** {@code value} of {@code schema} as JSON. */
  static JsonNode value(@Nullable Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (schema.getType() == Schema.Type.UNION) {
      return value(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
    }
    LogicalType logical = schema.getLogicalType();
    if (logical != null) {
      JsonNode converted = logical(value, schema, logical);
      if (converted != null) {
        return converted;
      }
    }
    return switch (schema.getType()) {
      case RECORD -> object((GenericRecord) value);
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (Object element : (Collection<?>) value) {
          array.add(value(element, schema.getElementType()));
        }
        yield array;
      }
      case MAP -> {
        ObjectNode map = NODES.objectNode();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          map.set(String.valueOf(entry.getKey()), value(entry.getValue(), schema.getValueType()));
        }
        yield map;
      }
      case STRING, ENUM -> NODES.textNode(value.toString());
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> whole((Long) value);
      case FLOAT -> floating(((Float) value).doubleValue(), true);
      case DOUBLE -> floating((Double) value, false);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case BYTES -> binary(bytes((ByteBuffer) value));
      case FIXED -> binary(((GenericFixed) value).bytes());
      case NULL -> NODES.nullNode();
      default -> NODES.textNode(value.toString());
    };
  }

  private static @Nullable JsonNode logical(Object value, Schema schema, LogicalType logical) {
    if (logical instanceof LogicalTypes.Decimal decimal) {
      byte[] unscaled = value instanceof ByteBuffer buffer
          ? bytes(buffer) : ((GenericFixed) value).bytes();
      // The number as reading its JSON text gives it, so that it equals a JSON input's.
      String text = new BigDecimal(new BigInteger(unscaled), decimal.getScale()).toString();
      try {
        return Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a BigDecimal's text is a JSON number: " + text, e);
      }
    }
    String text = switch (logical.getName()) {
      case "date" -> LocalDate.ofEpochDay((Integer) value).toString();
      case "time-millis" -> LocalTime.ofNanoOfDay((Integer) value * 1_000_000L).toString();
      case "time-micros" -> LocalTime.ofNanoOfDay((Long) value * 1_000L).toString();
      case "timestamp-millis" -> Instant.ofEpochMilli((Long) value).toString();
      case "timestamp-micros" -> micros((Long) value).toString();
      case "timestamp-nanos" -> nanos((Long) value).toString();
      case "local-timestamp-millis" ->
          LocalDateTime.ofInstant(Instant.ofEpochMilli((Long) value), ZoneOffset.UTC).toString();
      case "local-timestamp-micros" ->
          LocalDateTime.ofInstant(micros((Long) value), ZoneOffset.UTC).toString();
      case "local-timestamp-nanos" ->
          LocalDateTime.ofInstant(nanos((Long) value), ZoneOffset.UTC).toString();
      default -> null;
    };
    return text == null ? null : NODES.textNode(text);
  }

  private static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private static Instant nanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L));
  }

  /** A whole number as JSON text reads it: an int node when it fits one. */
  private static JsonNode whole(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  private static JsonNode floating(double value, boolean single) {
    if (Double.isNaN(value)) {
      return NODES.textNode("NaN");
    }
    if (Double.isInfinite(value)) {
      return NODES.textNode(value > 0 ? "Infinity" : "-Infinity");
    }
    // A float as its shortest decimal (0.1f is 0.1, not 0.10000000149011612).
    return NODES.numberNode(single ? Double.parseDouble(Float.toString((float) value)) : value);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  /** Binary without a string annotation: its text when it is UTF-8 (many writers omit it). */
  private static JsonNode binary(byte[] bytes) {
    try {
      return NODES.textNode(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
  }
}
