package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Finds a value by a dotted path ({@code state.reward}). A key that itself contains dots, as a
 * CSV header does, is tried first; then the path walks nested objects.
 */
public final class FieldPath {
  private FieldPath() {}

  /** The value at {@code path}, or null when it is absent or JSON null. */
  public static @Nullable JsonNode resolve(JsonNode record, String path) {
    JsonNode literal = record.get(path);
    if (literal != null) {
      return literal.isNull() ? null : literal;
    }
    JsonNode node = record;
    int start = 0;
    while (node != null && start <= path.length()) {
      int dot = path.indexOf('.', start);
      String part = dot < 0 ? path.substring(start) : path.substring(start, dot);
      node = node.isArray() && part.matches("\\d+") ? node.get(Integer.parseInt(part)) : node.get(part);
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  /**
   * {@link #resolve}, with blank text counted as absent too: an empty CSV cell is how a table says
   * "no value" (for a weight, a date or a score).
   */
  public static @Nullable JsonNode resolveFilled(JsonNode record, String path) {
    JsonNode value = resolve(record, path);
    return value != null && value.isTextual() && value.asText().isBlank() ? null : value;
  }

  /** The value at {@code path} as text when it is a string, number or boolean; else null. */
  public static @Nullable String text(JsonNode record, String path) {
    JsonNode value = resolve(record, path);
    return value != null && value.isValueNode() ? value.asText() : null;
  }

  /** A number, or numeric text (CSV holds only text); null for anything else. */
  public static @Nullable Double number(JsonNode value) {
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      try {
        double parsed = Double.parseDouble(value.asText().trim());
        return Double.isNaN(parsed) ? null : parsed;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
