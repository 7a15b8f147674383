package dev.trainset.quality;

import static dev.trainset.testing.Fixtures.doc;
import static dev.trainset.testing.Fixtures.spec;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Rejected;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** Near dedup through FilterQuality, on texts whose shingle similarity is known exactly. */
public class NearDedupTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final PipelineSpec NEAR =
      spec("fields: {style: text}\nquality: {dedup: near, near_threshold: 0.8}");

  private PCollectionTuple filter(List<Document> documents) {
    return pipeline
        .apply(Create.of(documents).withCoder(DocumentCoder.of()))
        .apply(FilterQuality.of(NEAR.quality(), NEAR.fields()));
  }

  /** A text document of the words {@code first} w2 .. w(n-1) {@code last}: n words. */
  private static Document text(String id, int n, String first, String last) {
    StringBuilder text = new StringBuilder(first);
    for (int i = 2; i < n; i++) {
      text.append(" w").append(i);
    }
    return doc(id, "{\"text\": \"" + text.append(' ').append(last) + "\"}");
  }

  @Test
  public void refusesAPairAtTheThresholdAndKeepsOneJustBelow() {
    // The label and 10 words, the last changed: 8 of 10 shingles shared, similarity 0.8.
    Document at = text("a1", 10, "w1", "end");
    Document atCopy = text("a2", 10, "w1", "stop");
    // 9 words: 7 of 9 shared, 0.778. MinHashLshTest shows both pairs are LSH candidates.
    Document below = text("b1", 9, "w1", "end");
    Document belowCopy = text("b2", 9, "w1", "stop");

    PCollectionTuple out = filter(List.of(atCopy, at, below, belowCopy));

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(at, below, belowCopy);
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(Rejected.of(atCopy, "quality",
        "near_duplicate", "near duplicate of a1 (test:1): similarity 0.800"));
    pipeline.run();
  }

  @Test
  public void onUnboundedInputNearDuplicatesAreFoundWithinAWindowOnly() {
    // n2 and n3 are n1 with the last word changed (0.9, as c1 and c2 below); n3 comes a window
    // later, where n1 is not: near dedup compares within a window (README, streaming).
    Document first = text("n1", 20, "w1", "end");
    Document sameWindow = text("n2", 20, "w1", "stop");
    Document nextWindow = text("n3", 20, "w1", "halt");
    Instant start = new Instant(0);
    Duration minute = Duration.standardMinutes(1);
    TestStream<Document> stream = TestStream.create(DocumentCoder.of())
        .addElements(TimestampedValue.of(first, start), TimestampedValue.of(sameWindow, start))
        .advanceWatermarkTo(start.plus(minute))
        .addElements(TimestampedValue.of(nextWindow, start.plus(minute)))
        .advanceWatermarkToInfinity();

    PCollectionTuple out = pipeline
        .apply(stream)
        .apply(Window.into(FixedWindows.of(minute)))
        .apply(FilterQuality.of(NEAR.quality(), NEAR.fields()));

    IntervalWindow firstWindow = new IntervalWindow(start, minute);
    IntervalWindow secondWindow = new IntervalWindow(firstWindow.end(), minute);
    PAssert.that(out.get(FilterQuality.KEPT)).inWindow(firstWindow).containsInAnyOrder(first);
    PAssert.that(out.get(FilterQuality.KEPT)).inWindow(secondWindow)
        .containsInAnyOrder(nextWindow);
    PAssert.that(out.get(Rejected.TAG)).inWindow(firstWindow).containsInAnyOrder(
        Rejected.of(sameWindow, "quality", "near_duplicate",
            "near duplicate of n1 (test:1): similarity 0.900"));
    PAssert.that(out.get(Rejected.TAG)).inWindow(secondWindow).empty();
    pipeline.run();
  }

  @Test
  public void aChainJoinsTheClusterOfItsSmallestMember() {
    // c2 is c1 with its last word changed (0.9); c3 is c2 with its first word changed (0.810),
    // and only 0.727 like c1: it points at c2, whose survivor is c1. (MinHashLshTest shows the
    // pairs c1-c2 and c2-c3 are LSH candidates.)
    Document c1 = text("c1", 20, "w1", "end");
    Document c2 = text("c2", 20, "w1", "stop");
    Document c3 = text("c3", 20, "x1", "stop");

    PCollectionTuple out = filter(List.of(c3, c2, c1));

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(c1);
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(
        Rejected.of(c2, "quality", "near_duplicate",
            "near duplicate of c1 (test:1): similarity 0.900"),
        Rejected.of(c3, "quality", "near_duplicate",
            "near duplicate of c1 (test:1): similarity 0.810 to c2 (test:1)"));
    pipeline.run();
  }

  @Test
  public void aCrowdedBucketIsComparedWithItsSmallestMembers() {
    // 20 copies of one text differing in the last word (0.933 apart) fill buckets past the 16
    // smallest members NearDedup compares all others with; the smallest id survives.
    List<Document> documents = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    Document survivor = text("d00", 30, "w1", "end0");
    documents.add(survivor);
    for (int i = 1; i < 20; i++) {
      Document copy = text(String.format("d%02d", i), 30, "w1", "end" + i);
      documents.add(copy);
      rejected.add(Rejected.of(copy, "quality", "near_duplicate",
          "near duplicate of d00 (test:1): similarity 0.933"));
    }
    Document other = doc("z", "{\"text\": \"Something else entirely, with its own words.\"}");
    documents.add(other);

    PCollectionTuple out = filter(documents);

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(survivor, other);
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(rejected);
    pipeline.run();
  }

  @Test
  public void exactCopiesKeepTheirOwnReason() {
    Document first = text("e1", 12, "w1", "end");
    Document copy = text("e2", 12, "w1", "end");
    Document near = text("e3", 12, "w1", "stop");

    PCollectionTuple out = filter(List.of(near, copy, first));

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(first);
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(
        Rejected.of(copy, "quality", "duplicate", "duplicate of e1 (test:1)"),
        Rejected.of(near, "quality", "near_duplicate",
            "near duplicate of e1 (test:1): similarity 0.833"));
    pipeline.run();
  }
}
