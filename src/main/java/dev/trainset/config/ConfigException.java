package dev.trainset.config;

/**
 * A pipeline file or override that cannot run. The message names the key, the value and what
 * is allowed; the command line exits 2 with it before any data is read.
 */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /** A value outside what the key allows. */
  public static ConfigException notAllowed(String key, Object value, String allowed) {
    return new ConfigException(key, "value '" + value + "' is not allowed; allowed: " + allowed);
  }

  /** The dotted key of the pipeline file this is about. */
  public String key() {
    return key;
  }
}
