package dev.trainset.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The Jackson mappers trainset shares: JSON text for files, Smile for coders. */
public final class Json {
  /**
   * What every reader of trainset's own JSON allows: any string the read stage let through
   * (input.max_record_bytes bounds them, up to 1 GiB) and a record as deep as input.max_depth
   * (at most 1000) inside the objects that carry it (an example's metadata, a rejection).
   */
  private static final StreamReadConstraints READ = StreamReadConstraints.builder()
      .maxStringLength(Integer.MAX_VALUE)
      .maxNestingDepth(2000)
      .build();

  /** Writing has its own depth limit (1000 by default), which the same records must pass. */
  private static final StreamWriteConstraints WRITE =
      StreamWriteConstraints.builder().maxNestingDepth(2000).build();

  /** Reads and writes JSON text; thread-safe once configured. */
  public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(READ)
          .streamWriteConstraints(WRITE)
          .build())
      .build();

  /** Binary JSON for coders: compact, fast, and the same tree always encodes to the same bytes. */
  static final ObjectMapper SMILE = new ObjectMapper(SmileFactory.builder()
      .streamReadConstraints(READ)
      .streamWriteConstraints(WRITE)
      .build());

  private Json() {}

  /** Compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented JSON text of {@code node}, ending in a newline: how report files are written. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node)
          + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] toSmile(JsonNode node) {
    try {
      return SMILE.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode fromSmile(byte[] bytes) {
    try {
      return SMILE.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
