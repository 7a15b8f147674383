package dev.trainset.weights;

import static dev.trainset.testing.Fixtures.spec;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Message;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

public class WeighExamplesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private PCollection<Example> weigh(WeighExamples weigh, Example... examples) {
    return pipeline.apply(Create.of(List.of(examples)).withCoder(ExampleCoder.of())).apply(weigh);
  }

  private static Example weighted(String id, String output, double weight) {
    return Example.instruction(id, null, "Q", "", output).withWeight(weight);
  }

  @Test
  public void clipsToMinAndMax() {
    PipelineSpec spec = spec("weights: {min: 0.5, max: 2.0}");
    PCollection<Example> out = weigh(WeighExamples.of(spec.weights()),
        weighted("low", "A", 0.1), weighted("mid", "A", 1.2), weighted("high", "A", 7.0),
        weighted("zero", "A", 0.0));

    PAssert.that(out).containsInAnyOrder(weighted("low", "A", 0.5), weighted("mid", "A", 1.2),
        weighted("high", "A", 2.0), weighted("zero", "A", 0.5));
    pipeline.run();
  }

  @Test
  public void onlyAMaximumLeavesSmallWeightsAlone() {
    PipelineSpec spec = spec("weights: {max: 1.0}");
    PCollection<Example> out = weigh(WeighExamples.of(spec.weights()),
        weighted("low", "A", 0.1), weighted("high", "A", 3.0));

    PAssert.that(out).containsInAnyOrder(weighted("low", "A", 0.1), weighted("high", "A", 1.0));
    pipeline.run();
  }

  @Test
  public void normalizeMeanRescalesSoTheWeightsAverageOneAfterClipping() {
    // Clipped to 1, 2, 3 (the 10 to 3): mean 2.
    PipelineSpec spec = spec("weights: {max: 3.0, normalize: mean}");
    PCollection<Example> out = weigh(WeighExamples.of(spec.weights()),
        weighted("a", "A", 1.0), weighted("b", "A", 2.0), weighted("c", "A", 10.0));

    PAssert.that(out).containsInAnyOrder(weighted("a", "A", 0.5), weighted("b", "A", 1.0),
        weighted("c", "A", 1.5));
    pipeline.run();
  }

  @Test
  public void normalizeLeavesAllZeroWeightsAndNoExamplesAlone() {
    PipelineSpec spec = spec("weights: {normalize: mean}");
    PCollection<Example> zeros = weigh(WeighExamples.of(spec.weights()),
        weighted("a", "A", 0.0), weighted("b", "A", 0.0));
    PCollection<Example> none = pipeline
        .apply("None", Create.empty(ExampleCoder.of()))
        .apply("WeighNone", WeighExamples.of(spec.weights()));

    PAssert.that(zeros).containsInAnyOrder(weighted("a", "A", 0.0), weighted("b", "A", 0.0));
    PAssert.that(none).empty();
    pipeline.run();
  }

  @Test
  public void withSegmentationTheLengthFactorIsTakenOnEachExamplesOwnOutput() {
    PipelineSpec spec = spec("weights: {by_length: true, max: 2.5}\n"
        + "segment: {enabled: true, instruction_patterns: ['^Q: (.+)$'],"
        + " output_patterns: ['^A: (.+)$']}");
    Example chat = Example.chat("c#0", null, List.of(Message.user("Hi"),
        Message.assistant("x".repeat(300)), Message.user("And?"), Message.assistant("y".repeat(199))))
        .withWeight(2.0);
    PCollection<Example> out =
        weigh(WeighExamples.of(spec.weights()).withSegmentation(spec.segment()),
            weighted("d#0", "x".repeat(1000), 2.0), weighted("d#1", "x".repeat(100), 2.0), chat);

    // 2 x 1.5 = 3 clipped to 2.5; 2 x 1.05; a chat's output is its assistant turns, joined by a
    // newline: 500 characters, 2 x 1.25.
    PAssert.that(out).containsInAnyOrder(weighted("d#0", "x".repeat(1000), 2.5),
        weighted("d#1", "x".repeat(100), 2.1), chat.withWeight(2.5));
    pipeline.run();
  }

  @Test
  public void withoutSegmentationTheLengthFactorIsNotAppliedTwice() {
    PipelineSpec spec = spec("weights: {by_length: true}");
    PCollection<Example> out =
        weigh(WeighExamples.of(spec.weights()).withSegmentation(spec.segment()),
            weighted("r", "x".repeat(1000), 1.5));

    PAssert.that(out).containsInAnyOrder(weighted("r", "x".repeat(1000), 1.5));
    pipeline.run();
  }

  @Test
  public void onUnboundedInputEachWindowIsNormalizedByItsOwnMean() {
    PipelineSpec spec = spec("weights: {normalize: mean}");
    Instant start = new Instant(0);
    TestStream<Example> stream = TestStream.create(ExampleCoder.of())
        .addElements(
            TimestampedValue.of(weighted("a", "A", 1.0), start),
            TimestampedValue.of(weighted("b", "A", 3.0), start.plus(Duration.standardSeconds(1))))
        .addElements(
            TimestampedValue.of(weighted("c", "A", 10.0), start.plus(Duration.standardMinutes(1))),
            TimestampedValue.of(weighted("d", "A", 30.0), start.plus(Duration.standardSeconds(61))))
        .advanceWatermarkToInfinity();

    PCollection<Example> out = pipeline
        .apply(stream)
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
        .apply(WeighExamples.of(spec.weights()));

    IntervalWindow first = new IntervalWindow(start, Duration.standardMinutes(1));
    PAssert.that(out).inWindow(first)
        .containsInAnyOrder(weighted("a", "A", 0.5), weighted("b", "A", 1.5));
    PAssert.that(out).inWindow(new IntervalWindow(first.end(), Duration.standardMinutes(1)))
        .containsInAnyOrder(weighted("c", "A", 0.5), weighted("d", "A", 1.5));
    pipeline.run();
  }
}
