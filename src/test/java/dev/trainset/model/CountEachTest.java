package dev.trainset.model;

import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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

    PCollection<KV<String, Long>> counts = pipeline.apply(stream)
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
        .apply(CountEach.perElement());

    IntervalWindow first = new IntervalWindow(start, Duration.standardSeconds(10));
    IntervalWindow second = new IntervalWindow(first.end(), Duration.standardSeconds(10));
    PAssert.that(counts).inWindow(first).containsInAnyOrder(KV.of("a", 2L), KV.of("b", 1L));
    PAssert.that(counts).inWindow(second).containsInAnyOrder(KV.of("a", 1L));
    pipeline.run();
  }
}
