package dev.trainset.weights;

import static dev.trainset.testing.Fixtures.doc;
import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Rejected;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;

public class ComputeWeightsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private PCollectionTuple weigh(PipelineSpec spec, Document... documents) {
    return pipeline
        .apply(Create.of(List.of(documents)).withCoder(DocumentCoder.of()))
        .apply(ComputeWeights.of(spec.weights(), spec.fields()));
  }

  private static Document withOutput(String id, String output, String extra) {
    return doc(id, "{\"instruction\": \"Q\", \"output\": \"" + output + "\"" + extra + "}");
  }

  @Test
  public void explicitWeightFromNumberOrNumericTextElseTheDefault() {
    PipelineSpec spec = spec("weights: {field: importance, default: 1.5}");
    Document number = withOutput("n", "A", ", \"importance\": 2");
    Document text = withOutput("t", "A", ", \"importance\": \"0.5\"");
    Document absent = withOutput("a", "A", "");
    Document words = withOutput("w", "A", ", \"importance\": \"lots\"");
    Document negative = withOutput("neg", "A", ", \"importance\": -1");
    Document blank = withOutput("blank", "A", ", \"importance\": \"\"");

    PCollectionTuple out = weigh(spec, number, text, absent, words, negative, blank);

    PAssert.that(out.get(ComputeWeights.WEIGHTED))
        .containsInAnyOrder(number.withWeight(2.0), text.withWeight(0.5), absent.withWeight(1.5),
            blank.withWeight(1.5));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(words, "weights", "bad_weight", "'importance' is 'lots', not a number"),
            Rejected.of(negative, "weights", "bad_weight", "weight -1.0 = explicit -1.0 x length"
                + " 1.0 x freshness 1.0; a weight must be finite and >= 0"));
    pipeline.run();
  }

  @Test
  public void lengthFactorGrowsWithTheOutputAndStopsAtOneAndAHalf() {
    PipelineSpec spec = spec("weights: {by_length: true}");
    Document none = withOutput("0", "", "");
    Document quarter = withOutput("500", "x".repeat(500), "");
    Document half = withOutput("1000", "x".repeat(1000), "");
    Document capped = withOutput("5000", "x".repeat(5000), "");

    PCollectionTuple out = weigh(spec, none, quarter, half, capped);

    PAssert.that(out.get(ComputeWeights.WEIGHTED))
        .containsInAnyOrder(none.withWeight(1.0), quarter.withWeight(1.25),
            half.withWeight(1.5), capped.withWeight(1.5));
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void freshnessHalvesPerHalfLifeForEveryTimestampForm() {
    // 2024-01-02 is 365 days before 2025-01-01 (2024 is a leap year), 2023-01-02 is 730.
    PipelineSpec spec = spec("weights: {freshness: {field: at, half_life_days: 365,"
        + " reference: '2025-01-01'}}");
    Document date = withOutput("date", "A", ", \"at\": \"2024-01-02\"");
    Document zoned = withOutput("zoned", "A", ", \"at\": \"2024-01-02T02:00:00+02:00\"");
    Document utc = withOutput("utc", "A", ", \"at\": \"2023-01-02T00:00:00Z\"");
    Document seconds = withOutput("seconds", "A", ", \"at\": 1704153600");
    Document millis = withOutput("millis", "A", ", \"at\": 1704153600000");
    Document secondsText = withOutput("secondsText", "A", ", \"at\": \"1704153600\"");
    Document future = withOutput("future", "A", ", \"at\": \"2030-01-01\"");
    Document undated = withOutput("undated", "A", "");
    Document blank = withOutput("blank", "A", ", \"at\": \"\"");
    Document unreadable = withOutput("bad", "A", ", \"at\": \"last tuesday\"");
    // Beyond what epoch milliseconds hold: refused, not a crash of the whole run.
    Document farFuture = withOutput("far", "A", ", \"at\": \"+300000000-01-01\"");

    PCollectionTuple out = weigh(spec, date, zoned, utc, seconds, millis, secondsText, future,
        undated, blank, unreadable, farFuture);

    PAssert.that(out.get(ComputeWeights.WEIGHTED))
        .containsInAnyOrder(
            date.withWeight(0.5), zoned.withWeight(0.5), utc.withWeight(0.25),
            seconds.withWeight(0.5), millis.withWeight(0.5), secondsText.withWeight(0.5),
            future.withWeight(1.0), undated.withWeight(1.0), blank.withWeight(1.0));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(unreadable, "weights", "bad_timestamp", "'at' is 'last"
                + " tuesday'; expected an ISO-8601 date or date-time, or epoch seconds or"
                + " milliseconds"),
            Rejected.of(farFuture, "weights", "bad_timestamp", "'at' is '+300000000-01-01';"
                + " expected an ISO-8601 date or date-time, or epoch seconds or milliseconds"));
    pipeline.run();
  }

  @Test
  public void finalWeightIsTheProductOfTheFactors() {
    PipelineSpec spec = spec("weights: {field: importance, by_length: true,"
        + " freshness: {field: at, half_life_days: 365, reference: '2025-01-01'}}");
    Document all = withOutput("all", "x".repeat(1000), ", \"importance\": 2, \"at\": \"2024-01-02\"");
    Document overflow = withOutput("inf", "x".repeat(1000), ", \"importance\": 1.5e308");

    PCollectionTuple out = weigh(spec, all, overflow);

    PAssert.that(out.get(ComputeWeights.WEIGHTED)).containsInAnyOrder(all.withWeight(1.5));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(Rejected.of(overflow, "weights", "bad_weight", "weight Infinity ="
            + " explicit 1.5E308 x length 1.5 x freshness 1.0; a weight must be finite and >= 0"));
    pipeline.run();
  }

  @Test
  public void aFixedReferenceIsKeptAndNowIsFixedOnce() {
    PipelineSpec fixed = spec("weights: {freshness: {reference: '2025-01-01T00:00:00Z'}}");
    assertEquals(Instant.parse("2025-01-01T00:00:00Z"),
        ComputeWeights.of(fixed.weights(), fixed.fields()).reference());
    PipelineSpec now = spec("weights: {freshness: {reference: now}}");
    Instant before = Instant.now();
    Instant reference = ComputeWeights.of(now.weights(), now.fields()).reference();
    assertEquals(true, !reference.isBefore(before) && !reference.isAfter(Instant.now()));
  }

  @Test
  public void aPlugInStrategyFoundByNameOrClassMultipliesIn() {
    PipelineSpec byName = spec("weights: {field: importance, strategy: votes}");
    PipelineSpec byClass = spec("weights: {strategy: dev.trainset.weights.VotesWeight}");
    Document voted = withOutput("voted", "A", ", \"importance\": 2, \"votes\": 5");
    Document unvoted = withOutput("unvoted", "A", "");
    Document downvoted = withOutput("down", "A", ", \"votes\": -20");

    PCollectionTuple named = weigh(byName, voted, unvoted, downvoted);
    PCollectionTuple classed = pipeline
        .apply("Again", Create.of(List.of(voted)).withCoder(DocumentCoder.of()))
        .apply("ByClass", ComputeWeights.of(byClass.weights(), byClass.fields()));

    PAssert.that(named.get(ComputeWeights.WEIGHTED))
        .containsInAnyOrder(voted.withWeight(3.0), unvoted.withWeight(1.0));
    PAssert.that(named.get(Rejected.TAG))
        .containsInAnyOrder(Rejected.of(downvoted, "weights", "bad_weight", "weight -1.0 ="
            + " explicit 1.0 x length 1.0 x freshness 1.0 x votes -1.0; a weight must be finite"
            + " and >= 0"));
    PAssert.that(classed.get(ComputeWeights.WEIGHTED)).containsInAnyOrder(voted.withWeight(1.5));
    pipeline.run();
  }

  @Test
  public void withSegmentationTheDocumentIsWeighedWithoutItsLengthFactor() {
    PipelineSpec spec = spec("weights: {field: importance, by_length: true}\n"
        + "segment: {enabled: true, source_field: body, instruction_patterns: ['^Q: (.+)$'],"
        + " output_patterns: ['^A: (.+)$']}");
    Document long1 = doc("long", "{\"body\": \"" + "x".repeat(1000) + "\", \"importance\": 2}");
    // Finite as a document, but not under the largest length factor a segment could get.
    Document huge = doc("huge", "{\"body\": \"Q: q\", \"importance\": 1.5e308}");

    PCollectionTuple out = pipeline
        .apply(Create.of(List.of(long1, huge)).withCoder(DocumentCoder.of()))
        .apply(ComputeWeights.of(spec.weights(), spec.fields()).withSegmentation(spec.segment()));

    PAssert.that(out.get(ComputeWeights.WEIGHTED)).containsInAnyOrder(long1.withWeight(2.0));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(Rejected.of(huge, "weights", "bad_weight", "weight Infinity ="
            + " explicit 1.5E308 x length (at most) 1.5 x freshness 1.0; a weight must be finite"
            + " and >= 0"));
    pipeline.run();
  }
}
