package dev.trainset.weights;

import dev.trainset.model.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A custom weight factor, for what the built-in ones cannot know (a team's own importance rule,
 * votes, a source's trust): ComputeWeights multiplies it into {@code explicit x length_factor x
 * freshness_factor}. A negative or non-finite factor makes the weight a {@code bad_weight}.
 *
 * <p>Name it in {@code weights.strategy}: either by the {@link #name()} it is registered under
 * in {@code META-INF/services/dev.trainset.weights.WeightStrategy}, or by its class name.
 * It needs a public no-argument constructor; each worker makes its own instance, so it need not
 * be serializable. With segmentation on it sees the whole document, and every example cut from
 * the document inherits the factor.
 */
public interface WeightStrategy {

  /** The name {@code weights.strategy} finds a registered strategy by. */
  String name();

  /** The factor for {@code document}: 1.0 leaves its weight as it is. */
  double factor(Document document);

  /** The names of the strategies registered through ServiceLoader. */
  public static List<String> registered() {
    List<String> names = new ArrayList<>();
    for (WeightStrategy strategy : ServiceLoader.load(WeightStrategy.class)) {
      names.add(strategy.name());
    }
    return names;
  }

  /** The strategy registered as {@code name}, else the class named so; empty when neither. */
  public static Optional<WeightStrategy> find(String name) {
    for (WeightStrategy strategy : ServiceLoader.load(WeightStrategy.class)) {
      if (strategy.name().equals(name)) {
        return Optional.of(strategy);
      }
    }
    try {
      Class<?> type = Class.forName(name, true, WeightStrategy.class.getClassLoader());
      if (!WeightStrategy.class.isAssignableFrom(type)) {
        return Optional.empty();
      }
      return Optional.of((WeightStrategy) type.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError notAStrategy) {
      return Optional.empty();
    }
  }
}
