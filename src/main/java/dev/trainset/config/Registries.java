package dev.trainset.config;

import java.util.List;

/**
 * What a pipeline file may name that is defined outside the configuration: output formats and
 * weight strategies, built in or found on the classpath. The command line hands it to {@link
 * SpecLoader}, so that configuration knows the names without depending on the packages that
 * define them.
 */
public interface Registries {
  /** Every name {@code output.formats} may hold, in the order error messages list them. */
  List<String> formats();

  /** The names of the registered weight strategies. */
  List<String> weightStrategies();

  /** Whether {@code weights.strategy} may be {@code name}: a registered name or a class name. */
  boolean isWeightStrategy(String name);

  /** The interface a custom weight strategy implements, as a message names it. */
  String weightStrategyType();

  /**
   * Whether output format {@code format} publishes to the Hugging Face Hub, which takes split
   * names of word characters and dots only.
   */
  boolean needsHubSplitNames(String format);

  /**
   * Whether output format {@code format} exports only the examples {@code output.select} picks by
   * their index; with no such format in {@code output.formats}, a selection would select nothing.
   */
  boolean selectsByIndex(String format);
}
