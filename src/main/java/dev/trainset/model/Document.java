package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One input record as read, with what the stages before Segment learned about it.
 *
 * <p>{@code fields} keeps the record's nested structure exactly as parsed and is never mutated;
 * {@code annotations} are values computed by the stages (token counts, scores) that Segment
 * copies into the example's metadata.
 *
 * <p>A value class with the accessors a record would have. It is not a record because {@code
 * fields} travels between workers as its {@link DocumentCoder} bytes and is parsed only when a
 * step reads it: on a runner that hands a document to several consumers (each output of a
 * multi-output step, each step reading one collection) most of them never look inside, and the
 * bytes of an unchanged record are encoded once, not once per hand-over.
 */
@DefaultCoder(DocumentCoder.class)
public final class Document {
  private final String id;
  private final String origin;
  private final Fields fields;
  private final double weight;
  private final Map<String, JsonNode> annotations;

  /**
   * @param id the record's id: the {@code input.id_field} value, or a stable hash of the content
   * @param origin where it was read from: {@code file:line} (JSON lines), {@code file:line#n}
   *     (record n of a JSON file), {@code file:row} (CSV)
   * @param fields the parsed record
   * @param weight the weight ComputeWeights gave it; NaN before that stage
   * @param annotations values computed by the stages, in the order they were added
   */
  public Document(
      String id, String origin, ObjectNode fields, double weight, Map<String, JsonNode> annotations) {
    this(id, origin, new Fields(Objects.requireNonNull(fields, "fields"), null), weight,
        annotations);
  }

  private Document(
      String id, String origin, Fields fields, double weight, Map<String, JsonNode> annotations) {
    this.id = Objects.requireNonNull(id, "id");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.fields = fields;
    this.weight = weight;
    this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /** A document whose record is known by its encoded bytes only, as {@link DocumentCoder} reads it. */
  static Document decoded(String id, String origin, byte[] encodedFields, double weight,
      Map<String, JsonNode> annotations) {
    return new Document(id, origin, new Fields(null, encodedFields), weight, annotations);
  }

  /** A document fresh from ReadDocuments: no weight, no annotations. */
  public static Document read(String id, String origin, ObjectNode fields) {
    return new Document(id, origin, fields, Double.NaN, Map.of());
  }

  public String id() {
    return id;
  }

  public String origin() {
    return origin;
  }

  /** The parsed record (parsed from its encoded bytes on first use). */
  public ObjectNode fields() {
    return fields.tree();
  }

  public double weight() {
    return weight;
  }

  public Map<String, JsonNode> annotations() {
    return annotations;
  }

  /** The record's encoded bytes, encoded on first use; the caller must not change them. */
  byte[] encodedFields() {
    return fields.bytes();
  }

  public Document withWeight(double newWeight) {
    return new Document(id, origin, fields, newWeight, annotations);
  }

  public Document withAnnotation(String key, JsonNode value) {
    Map<String, JsonNode> added = new LinkedHashMap<>(annotations);
    added.put(key, value);
    return new Document(id, origin, fields, weight, added);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Document that
        && id.equals(that.id)
        && origin.equals(that.origin)
        && Double.compare(weight, that.weight) == 0
        && annotations.equals(that.annotations)
        && fields().equals(that.fields());
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, origin, fields(), weight, annotations);
  }

  @Override
  public String toString() {
    return "Document[id=" + id + ", origin=" + origin + ", fields=" + fields() + ", weight="
        + weight + ", annotations=" + annotations + "]";
  }

  /**
   * The record as a tree, as encoded bytes, or both: whichever is missing is made from the other
   * when first asked for. Both describe the same value, so a race makes the same thing twice.
   */
  private static final class Fields {
    private volatile @Nullable ObjectNode tree;
    private volatile byte @Nullable [] bytes;

    Fields(@Nullable ObjectNode tree, byte @Nullable [] bytes) {
      this.tree = tree;
      this.bytes = bytes;
    }

    ObjectNode tree() {
      ObjectNode known = tree;
      if (known == null) {
        known = (ObjectNode) Json.fromSmile(bytes);
        tree = known;
      }
      return known;
    }

    byte[] bytes() {
      byte[] known = bytes;
      if (known == null) {
        known = Json.toSmile(tree);
        bytes = known;
      }
      return known;
    }
  }
}
