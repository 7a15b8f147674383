package dev.trainset.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The small checks the sections' rules share; each throws a {@link ConfigException} that names
 * the key, the value and what is allowed.
 */
final class Checks {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private Checks() {}

  static void oneOf(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw ConfigException.notAllowed(key, value, String.join(", ", allowed));
    }
  }

  /**
   * An enum setting: binding refused every name but the constants', so only a null (written
   * {@code key=null}) is left to refuse here.
   */
  static <E extends Enum<E>> void oneOf(String key, @Nullable E value, Class<E> type) {
    if (value == null) {
      throw ConfigException.notAllowed(key, null, allowed(type));
    }
  }

  /** What an enum setting allows, as messages list it: its constants as the file names them. */
  static String allowed(Class<?> enumType) {
    return Arrays.stream(enumType.getEnumConstants())
        .map(constant -> LowerCaseEnums.configName((Enum<?>) constant))
        .collect(Collectors.joining(", "));
  }

  /** A field name (or dotted path) of the input records. */
  static void nonEmpty(String key, String value) {
    if (value == null || value.isBlank()) {
      throw ConfigException.notAllowed(key, value == null ? "" : value, "a non-empty field name");
    }
  }

  static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw ConfigException.notAllowed(key, value, "a whole number >= " + min);
    }
  }

  static void finite(String key, double value) {
    if (!Double.isFinite(value)) {
      throw ConfigException.notAllowed(key, value, "a finite number");
    }
  }

  static void fraction(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw ConfigException.notAllowed(key, value, "a number between 0 and 1");
    }
  }

  /** A name that becomes part of a file or folder name: split, tier, partition. */
  static void safeName(String key, String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw ConfigException.notAllowed(key, name,
          "names of letters, digits, '_', '-' and '.', starting with a letter or digit");
    }
  }
}
