package dev.trainset;

import dev.trainset.config.Registries;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.weights.WeightStrategy;
import java.util.List;

/** The registries of this build: its formats and weight strategies and those on the classpath. */
public final class Plugins implements Registries {
  public static final Plugins INSTANCE = new Plugins();

  private Plugins() {}

  @Override
  public List<String> formats() {
    return Formats.names();
  }

  @Override
  public List<String> weightStrategies() {
    return WeightStrategy.registered();
  }

  @Override
  public boolean isWeightStrategy(String name) {
    return WeightStrategy.find(name).isPresent();
  }

  @Override
  public String weightStrategyType() {
    return WeightStrategy.class.getName();
  }

  @Override
  public boolean needsHubSplitNames(String format) {
    return Formats.find(format).map(FormatDescriptor::needsHubSplitNames).orElse(false);
  }

  @Override
  public boolean selectsByIndex(String format) {
    return Formats.find(format).map(FormatDescriptor::selectsByIndex).orElse(false);
  }
}
