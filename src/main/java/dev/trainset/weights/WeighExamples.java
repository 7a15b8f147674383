package dev.trainset.weights;

import dev.trainset.config.Normalization;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.ExactMean;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The weight steps that need examples rather than documents, run after Segment: with
 * segmentation on, the {@code by_length} factor on each example's own output (ComputeWeights
 * left it out of the document's weight); then {@code min}/{@code max} clipping; then, with
 * {@code normalize: mean}, every weight divided by the mean exported weight, so the weights
 * average exactly 1.0 (clipping bounds the weights before that rescaling).
 *
 * <p>The mean is a global combine read as a side input, so no worker holds the examples. On
 * unbounded input both are per window: each window's examples are rescaled by that window's mean,
 * once the window's mean is complete. When the mean is 0 (every weight 0) or there are no
 * examples, weights are left as they are.
 */
public final class WeighExamples extends PTransform<PCollection<Example>, PCollection<Example>> {

  private final PipelineSpec.Weights weights;
  private final boolean lengthPerExample;

  private WeighExamples(PipelineSpec.Weights weights, boolean lengthPerExample) {
    this.weights = weights;
    this.lengthPerExample = lengthPerExample;
  }

  /** Clips and normalizes by {@code weights}. */
  public static WeighExamples of(PipelineSpec.Weights weights) {
    return new WeighExamples(weights, false);
  }

  /** With {@code segment.enabled}, also applies {@code by_length} on each example's output. */
  public WeighExamples withSegmentation(PipelineSpec.Segment segment) {
    return new WeighExamples(weights, segment.enabled());
  }

  @Override
  public PCollection<Example> expand(PCollection<Example> examples) {
    boolean length = lengthPerExample && weights.byLength();
    PCollection<Example> clipped = examples;
    if (length || weights.min() != null || weights.max() != null) {
      clipped =
          examples
              .apply("LengthAndClip", ParDo.of(new LengthAndClipFn(length, weights.min(), weights.max())))
              .setCoder(ExampleCoder.of());
    }
    if (weights.normalize() != Normalization.MEAN) {
      return clipped;
    }
    PCollectionView<Double> mean =
        clipped
            .apply("Weight", MapElements.into(TypeDescriptors.doubles()).via(Example::weight))
            .apply("MeanWeight", Combine.globally(ExactMean.of()).asSingletonView());
    return clipped
        .apply("Normalize", ParDo.of(new NormalizeFn(mean)).withSideInputs(mean))
        .setCoder(ExampleCoder.of());
  }

  /** {@code x length_factor(output)} when asked, then the weight clipped to [min, max]. */
  static final class LengthAndClipFn extends DoFn<Example, Example> {
    private final boolean length;
    private final @Nullable Double min;
    private final @Nullable Double max;

    LengthAndClipFn(boolean length, @Nullable Double min, @Nullable Double max) {
      this.length = length;
      this.min = min;
      this.max = max;
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<Example> out) {
      double weight = example.weight();
      if (length) {
        String output = example.outputText();
        weight *= ComputeWeights.lengthFactor(output.codePointCount(0, output.length()));
      }
      if (min != null) {
        weight = Math.max(min, weight);
      }
      if (max != null) {
        weight = Math.min(max, weight);
      }
      out.output(example.withWeight(weight));
    }
  }

  /** Divides each weight by the mean of its window. */
  static final class NormalizeFn extends DoFn<Example, Example> {
    private final PCollectionView<Double> mean;

    NormalizeFn(PCollectionView<Double> mean) {
      this.mean = mean;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      Example example = context.element();
      double by = context.sideInput(mean);
      context.output(
          by > 0 && Double.isFinite(by) ? example.withWeight(example.weight() / by) : example);
    }
  }
}
