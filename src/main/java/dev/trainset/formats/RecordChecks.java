package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The checks the JSON formats' {@link JsonRecords.Rule}s share: keys, text fields, turns. */
final class RecordChecks {
  /** How a format writes one turn: its key names, the roles it knows, every key it allows. */
  record TurnShape(String roleKey, String contentKey, Set<String> roles, Set<String> keys) {}

  private RecordChecks() {}

  /** Each key of {@code object} outside {@code allowed} is a problem. */
  static void onlyKeys(JsonNode object, Set<String> allowed, String where, Consumer<String> problem) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        problem.accept(where + "unknown key '" + name + "'; allowed: "
            + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  /** {@code key} must hold text; when absent, it is a problem only if {@code required}. */
  static void text(JsonNode object, String key, boolean required, Consumer<String> problem) {
    JsonNode value = object.get(key);
    if (value == null) {
      if (required) {
        problem.accept("'" + key + "' is missing");
      }
    } else if (!value.isTextual()) {
      problem.accept("'" + key + "' must be a string, not " + value.getNodeType().name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The turns under {@code key}: a non-empty list of objects of {@code shape}. Returns each turn's
   * role (null where it has none), or null when there is no list to read.
   */
  static @Nullable List<String> turns(
      JsonNode record, String key, TurnShape shape, Consumer<String> problem) {
    JsonNode list = record.get(key);
    if (list == null || !list.isArray()) {
      problem.accept("'" + key + "' must be a list of turns");
      return null;
    }
    if (list.isEmpty()) {
      problem.accept("'" + key + "' is empty");
      return null;
    }
    List<String> roles = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode turn = list.get(i);
      String where = key + "[" + i + "]: ";
      if (!turn.isObject()) {
        problem.accept(where + "a turn must be an object");
        roles.add(null);
        continue;
      }
      onlyKeys(turn, shape.keys(), where, problem);
      JsonNode role = turn.get(shape.roleKey());
      if (role == null || !role.isTextual() || !shape.roles().contains(role.asText())) {
        problem.accept(where + "'" + shape.roleKey() + "' is " + (role == null ? "missing" : role)
            + "; allowed: " + String.join(", ", new TreeSet<>(shape.roles())));
        roles.add(null);
      } else {
        roles.add(role.asText());
      }
      JsonNode content = turn.get(shape.contentKey());
      boolean callsATool = turn.has("tool_calls") || turn.has("function_call");
      if ((content == null || !content.isTextual()) && !callsATool) {
        problem.accept(where + "'" + shape.contentKey() + "' must be a string");
      }
    }
    return roles;
  }

  /** The turns must go {@code user}, {@code assistant}, {@code user}, ..., ending with {@code assistant}. */
  static void alternating(List<String> roles, String key, String user, String assistant,
      Consumer<String> problem) {
    for (int i = 0; i < roles.size(); i++) {
      String expected = i % 2 == 0 ? user : assistant;
      if (roles.get(i) != null && !roles.get(i).equals(expected)) {
        problem.accept(key + "[" + i + "]: is '" + roles.get(i) + "' where '" + expected
            + "' must come (turns alternate, " + user + " first)");
        return;
      }
    }
    if (roles.size() % 2 != 0) {
      problem.accept("'" + key + "' ends with a " + user + " turn; the last must be " + assistant);
    }
  }
}
