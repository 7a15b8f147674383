package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One input record as read, with what the stages before Segment learned about it.
 *
 * <p>{@code fields} keeps the record's nested structure exactly as parsed and is never mutated;
 * {@code annotations} are values computed by the stages (token counts, scores) that Segment
 * copies into the example's metadata.
 *
 * @param id the record's id: the {@code input.id_field} value, or a stable hash of the content
 * @param origin where it was read from: {@code file:line} (JSON lines), {@code file:line#n}
 *     (record n of a JSON file), {@code file:row} (CSV)
 * @param fields the parsed record
 * @param weight the weight ComputeWeights gave it; NaN before that stage
 * @param annotations values computed by the stages, in the order they were added
 */
@DefaultCoder(DocumentCoder.class)
public record Document(
    String id, String origin, ObjectNode fields, double weight, Map<String, JsonNode> annotations) {

  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(fields, "fields");
    annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  /** A document fresh from ReadDocuments: no weight, no annotations. */
  public static Document read(String id, String origin, ObjectNode fields) {
    return new Document(id, origin, fields, Double.NaN, Map.of());
  }

  public Document withWeight(double newWeight) {
    return new Document(id, origin, fields, newWeight, annotations);
  }

  public Document withAnnotation(String key, JsonNode value) {
    Map<String, JsonNode> added = new LinkedHashMap<>(annotations);
    added.put(key, value);
    return new Document(id, origin, fields, weight, added);
  }
}
