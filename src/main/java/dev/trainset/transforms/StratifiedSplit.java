package dev.trainset.transforms;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Hashes;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Assigns each example to a named split. The assignment is a pure function of {@code seed} and
 * the example's key (its {@code group_by} value, else its id): a uniform draw in [0, 1) from a
 * SHA-256 of both, placed on the cumulative ratios. So it is the same on every runner and every
 * run, needs no shuffle and works the same on unbounded input; every example of a group lands in
 * one split. Proportions hold in expectation, per stratum as overall, since the draw does not
 * depend on the stratum.
 */
public final class StratifiedSplit extends PTransform<PCollection<Example>, PCollection<Example>> {
  private final PipelineSpec.Split split;

  private StratifiedSplit(PipelineSpec.Split split) {
    this.split = split;
  }

  public static StratifiedSplit of(PipelineSpec.Split split) {
    return new StratifiedSplit(split);
  }

  @Override
  public PCollection<Example> expand(PCollection<Example> examples) {
    return examples
        .apply("Assign", ParDo.of(new AssignFn(SplitAssigner.of(split))))
        .setCoder(ExampleCoder.of());
  }

  static final class AssignFn extends DoFn<Example, Example> {
    private final SplitAssigner assigner;

    AssignFn(SplitAssigner assigner) {
      this.assigner = assigner;
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<Example> out) {
      out.output(example.withSplit(assigner.assign(example)));
    }
  }

  /** Places a key on the cumulative ratios. */
  record SplitAssigner(List<String> names, double[] upperBounds, long seed, String groupBy)
      implements java.io.Serializable {

    static SplitAssigner of(PipelineSpec.Split split) {
      List<String> names = List.copyOf(split.ratios().keySet());
      double[] bounds = new double[names.size()];
      double cumulative = 0;
      int i = 0;
      for (Map.Entry<String, Double> ratio : split.ratios().entrySet()) {
        cumulative += ratio.getValue();
        bounds[i++] = cumulative;
      }
      return new SplitAssigner(names, bounds, split.seed(), split.groupBy());
    }

    String assign(Example example) {
      String group = groupBy.isEmpty() ? null : example.lookupText(groupBy);
      // A missing or blank group value is no group: the example is placed by its own id.
      boolean grouped = group != null && !group.isBlank();
      double draw = Hashes.unitInterval(seed, grouped ? "group:" + group : "id:" + example.id());
      for (int i = 0; i < upperBounds.length; i++) {
        if (draw < upperBounds[i]) {
          return names.get(i);
        }
      }
      // Ratios summing to 1 within rounding can leave the top sliver: it belongs to the last
      // split with a non-zero ratio.
      for (int i = upperBounds.length - 1; i > 0; i--) {
        if (upperBounds[i] > upperBounds[i - 1]) {
          return names.get(i);
        }
      }
      return names.get(0);
    }
  }
}
