package dev.trainset.model;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

public class CountEachTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void countsEachValueOnceOverAllBundles() {
    PCollection<List<String>> keys = pipeline.apply(Create.of(
            List.of("split", "train"), List.of("split", "test"), List.of("split", "train"),
            List.of("weight", "1.0"), List.of("split", "train"))
        .withCoder(ListCoder.of(StringUtf8Coder.of())));

    PAssert.that(keys.apply(CountEach.perElement())).containsInAnyOrder(
        KV.of(List.of("split", "train"), 3L),
        KV.of(List.of("split", "test"), 1L),
        KV.of(List.of("weight", "1.0"), 1L));
    pipeline.run();
  }

  @Test
  public void countsEachWindowApart() {
    Instant start = new Instant(0);
    TestStream<String> stream = TestStream.create(StringUtf8Coder.of())
        .addElements(TimestampedValue.of("a", start), TimestampedValue.of("b", start.plus(1)),
            TimestampedValue.of("a", start.plus(2)))
        .addElements(TimestampedValue.of("a", start.plus(Duration.standardSeconds(10))))
        .advanceWatermarkToInfinity();

    assertCountsPerWindow(pipeline.apply(stream), start);
    pipeline.run();
  }

  @Test
  public void countsEachWindowOfBoundedInputApart() {
    Instant start = new Instant(0);
    assertCountsPerWindow(pipeline
        .apply(Create.timestamped(TimestampedValue.of("a", start),
            TimestampedValue.of("b", start.plus(1)), TimestampedValue.of("a", start.plus(2)),
            TimestampedValue.of("a", start.plus(Duration.standardSeconds(10))))), start);
    pipeline.run();
  }

  /**
   * Counts "a" at 0, "b" at 1 ms, "a" at 2 ms and "a" at 10 s (from {@code start}) in 10-second
   * windows: a 2 and b 1 in the first, a 1 in the second.
   */
  private static void assertCountsPerWindow(PCollection<String> elements, Instant start) {
    PCollection<KV<String, Long>> counts = elements
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
        .apply(CountEach.perElement());
    IntervalWindow first = new IntervalWindow(start, Duration.standardSeconds(10));
    IntervalWindow second = new IntervalWindow(first.end(), Duration.standardSeconds(10));
    PAssert.that(counts).inWindow(first).containsInAnyOrder(KV.of("a", 2L), KV.of("b", 1L));
    PAssert.that(counts).inWindow(second).containsInAnyOrder(KV.of("a", 1L));
  }

  /** A count held in a bundle could reach the Sum after the watermark closed its window. */
  @Test
  public void unboundedInputKeepsNoCountInABundle() {
    PCollection<KV<String, Long>> counts = pipeline
        .apply(TestStream.create(StringUtf8Coder.of()).addElements("a", "a")
            .advanceWatermarkToInfinity())
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
        .apply("Count", CountEach.perElement());
    PAssert.that(counts).containsInAnyOrder(KV.of("a", 2L));
    Set<String> steps = new TreeSet<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        steps.add(node.getFullName());
      }
    });
    assertTrue(steps.toString(), steps.contains("Count/CountOne/ParMultiDo(CountOne)"));
    assertFalse(steps.toString(),
        steps.stream().anyMatch(step -> step.contains("CountInBundle")));
    pipeline.run();
  }
}
