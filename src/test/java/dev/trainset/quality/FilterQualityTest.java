package dev.trainset.quality;

import static dev.trainset.testing.Fixtures.doc;
import static dev.trainset.testing.Fixtures.spec;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import static org.junit.Assert.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.fields.FieldMapping;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Grain;
import dev.trainset.model.Rejected;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;

public class FilterQualityTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private PCollectionTuple filter(PipelineSpec spec, Document... documents) {
    return pipeline
        .apply(Create.of(java.util.List.of(documents)).withCoder(DocumentCoder.of()))
        .apply(FilterQuality.of(spec.quality(), spec.fields()));
  }

  @Test
  public void refusesEachBoundWithItsReason() {
    PipelineSpec spec = spec("quality: {min_chars: 20, max_chars: 60, dedup: none}");
    Document ok = doc("ok", "{\"instruction\": \"Name a colour.\", \"output\": \"Blue is one.\"}");
    Document shortOne = doc("short", "{\"instruction\": \"Hi\", \"output\": \"Hello\"}");
    Document longOne = doc("long", "{\"instruction\": \"" + "x".repeat(60) + "\", \"output\": \"y\"}");
    Document empty = doc("empty", "{\"instruction\": \"Name a colour please.\", \"output\": \"  \"}");
    Document missing = doc("missing", "{\"instruction\": \"Name a colour please.\"}");
    Document nested = doc("nested", "{\"instruction\": {\"a\": 1}, \"output\": \"Blue is a colour.\"}");

    PCollectionTuple out = filter(spec, ok, shortOne, longOne, empty, missing, nested);

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(ok);
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(shortOne, "quality", "too_short", "9 chars < min_chars 20"),
            Rejected.of(longOne, "quality", "too_long", "63 chars > max_chars 60"),
            Rejected.of(empty, "quality", "empty_output", "the output text is empty"),
            Rejected.of(missing, "quality", "missing_field", "no 'output' field in the record"),
            Rejected.of(nested, "quality", "bad_field", "'instruction' is an object, not text"));
    pipeline.run();
  }

  @Test
  public void countsTokensAndRefusesOverTheLimit() {
    PipelineSpec spec = spec("quality: {max_tokens: 6, tokenizer: cl100k_base, dedup: none}");
    // The full text "Say hi\n\nHello there friend" is 6 cl100k_base tokens; ", my" adds 2.
    Document fits =
        doc("fits", "{\"instruction\": \"Say hi\", \"output\": \"Hello there friend\"}");
    Document over =
        doc("over", "{\"instruction\": \"Say hi\", \"output\": \"Hello there, my friend\"}");

    PCollectionTuple out = filter(spec, fits, over);

    PAssert.that(out.get(FilterQuality.KEPT))
        .containsInAnyOrder(fits.withAnnotation("token_count", IntNode.valueOf(6)));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(Rejected.of(over, "quality", "too_many_tokens",
            "8 cl100k_base tokens > max_tokens 6"));
    pipeline.run();
  }

  @Test
  public void refusesLowAndUnreadableScoresAndTiersTheRest() {
    PipelineSpec spec = spec("quality: {score_field: meta.score, min_score: 0.5,"
        + " tiers: {high: 0.8, medium: 0.6}, dedup: none}");
    String text = "\"instruction\": \"Name a colour.\", \"output\": \"Blue is one.\"";
    Document high = doc("high", "{" + text + ", \"meta\": {\"score\": 0.8}}");
    Document medium = doc("medium", "{" + text + ", \"meta\": {\"score\": \"0.79\"}}");
    Document untiered = doc("untiered", "{" + text + ", \"meta\": {\"score\": 0.5}}");
    Document low = doc("low", "{" + text + ", \"meta\": {\"score\": 0.49}}");
    Document noScore = doc("none", "{" + text + "}");
    Document badScore = doc("bad", "{" + text + ", \"meta\": {\"score\": \"great\"}}");

    PCollectionTuple out = filter(spec, high, medium, untiered, low, noScore, badScore);

    PAssert.that(out.get(FilterQuality.KEPT))
        .containsInAnyOrder(
            high.withAnnotation("quality_tier", TextNode.valueOf("high")),
            medium.withAnnotation("quality_tier", TextNode.valueOf("medium")),
            untiered.withAnnotation("quality_tier", TextNode.valueOf("untiered")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(low, "quality", "low_score", "0.49 < min_score 0.5"),
            Rejected.of(noScore, "quality", "missing_field", "no 'meta.score' field in the record"),
            Rejected.of(badScore, "quality", "bad_field", "'meta.score' is 'great', not a number"));
    pipeline.run();
  }

  @Test
  public void heuristicSignalsRefuseJunkAndScoreAndTierTheRest() {
    PipelineSpec spec = spec("quality: {heuristics: true, tiers: {high: 0.9, medium: 0.5},"
        + " dedup: none}");
    // 12 words, 51 characters: mean 4.25, headroom 0.45; five clean signals: (0.45 + 5) / 6.
    Document clean = doc("clean", "{\"instruction\": \"What is the capital of France?\","
        + " \"output\": \"The capital of France is Paris.\"}");
    Document spam = doc("spam", "{\"instruction\": \"Buy now\","
        + " \"output\": \"Buy now\\nBuy now\\nBuy now\"}");

    PCollectionTuple out = filter(spec, clean, spam);

    PAssert.that(out.get(FilterQuality.KEPT))
        .containsInAnyOrder(clean
            .withAnnotation("quality_score", DoubleNode.valueOf(0.9083))
            .withAnnotation("quality_tier", TextNode.valueOf("high")));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(Rejected.of(spam, "quality", "duplicate_lines",
            "duplicate lines 0.6667 > max_duplicate_lines 0.3"));
    pipeline.run();
  }

  @Test
  public void keepsOneDeterministicSurvivorPerNormalizedContent() {
    PipelineSpec spec = spec("quality: {dedup: exact}");
    Document first = doc("b", 1, "{\"instruction\": \"Name a colour.\", \"output\": \"Blue.\"}");
    Document shouting = doc("a", 2, "{\"instruction\": \"NAME  a colour.\", \"output\": \"blue.\"}");
    Document sameId = doc("a", 3, "{\"instruction\": \"Name a colour.\", \"output\": \"Blue. \"}");
    Document other = doc("c", 4, "{\"instruction\": \"Name a colour.\", \"output\": \"Red.\"}");

    PCollectionTuple out = filter(spec, first, shouting, sameId, other);

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(shouting, other);
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(first, "quality", "duplicate", "duplicate of a (test:2)"),
            Rejected.of(sameId, "quality", "duplicate", "duplicate of a (test:2)"));
    pipeline.run();
  }

  @Test
  public void keepsTheSameSurvivorsAtEitherGrain() {
    PipelineSpec spec = spec("quality: {dedup: exact}");
    // Twenty contents fall in thirteen of the sixteen coarse groups: some hold several contents.
    List<Document> documents = new ArrayList<>();
    List<Document> survivors = new ArrayList<>();
    List<Rejected> duplicates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Document first = doc("d" + i, 2 * i, "{\"instruction\": \"Count to " + i + ".\","
          + " \"output\": \"Done.\"}");
      Document copy = doc("k" + i, 2 * i + 1, "{\"instruction\": \"COUNT to  " + i + ".\","
          + " \"output\": \"done.\"}");
      documents.add(copy);
      documents.add(first);
      survivors.add(first);
      duplicates.add(Rejected.of(copy, "quality", "duplicate",
          "duplicate of d" + i + " (test:" + 2 * i + ")"));
    }
    // The same file read through two globs: one of the two is kept.
    documents.add(survivors.get(0));
    duplicates.add(
        Rejected.of(survivors.get(0), "quality", "duplicate", "duplicate of d0 (test:0)"));
    ExactDedup.KeyByContentFn content =
        new ExactDedup.KeyByContentFn(new FieldMapping(spec.fields()), Grain.COARSE);
    assertEquals(13, survivors.stream()
        .map(document -> Grain.COARSE.group(content.key(document)))
        .distinct().count());

    for (Grain grain : Grain.values()) {
      PCollectionTuple out = pipeline
          .apply("Documents" + grain, Create.of(documents).withCoder(DocumentCoder.of()))
          .apply("Filter" + grain,
              FilterQuality.of(spec.quality(), spec.fields()).withGrain(grain));
      PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(survivors);
      PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(duplicates);
    }
    pipeline.run();
  }

  @Test
  public void textMovedBetweenPartsOrTurnsIsNoDuplicate() {
    PipelineSpec chat = spec("fields: {style: chat}\nquality: {dedup: exact}");
    Document longQuestion = doc("c3", "{\"messages\": [{\"role\": \"user\", \"content\": \"a b\"},"
        + " {\"role\": \"assistant\", \"content\": \"c\"}]}");
    Document longAnswer = doc("c4", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"},"
        + " {\"role\": \"assistant\", \"content\": \"b c\"}]}");
    PipelineSpec instruction = spec("quality: {dedup: exact}");
    Document inInstruction = doc("i1", "{\"instruction\": \"Sum 2 and 3\", \"input\": \"\","
        + " \"output\": \"5\"}");
    Document inInput = doc("i2", "{\"instruction\": \"Sum\", \"input\": \"2 and 3\", \"output\": \"5\"}");

    PCollectionTuple chats = pipeline
        .apply("Chats", Create.of(java.util.List.of(longQuestion, longAnswer))
            .withCoder(DocumentCoder.of()))
        .apply("FilterChats", FilterQuality.of(chat.quality(), chat.fields()));
    PCollectionTuple instructions = pipeline
        .apply("Instructions", Create.of(java.util.List.of(inInstruction, inInput))
            .withCoder(DocumentCoder.of()))
        .apply("FilterInstructions", FilterQuality.of(instruction.quality(), instruction.fields()));

    PAssert.that(chats.get(FilterQuality.KEPT)).containsInAnyOrder(longQuestion, longAnswer);
    PAssert.that(chats.get(Rejected.TAG)).empty();
    PAssert.that(instructions.get(FilterQuality.KEPT)).containsInAnyOrder(inInstruction, inInput);
    PAssert.that(instructions.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void blankScoreCellsCountAsAbsent() {
    PipelineSpec spec = spec("quality: {score_field: score, dedup: none}");
    Document blank = doc("blank", "{\"instruction\": \"Q\", \"output\": \"A\", \"score\": \" \"}");

    PCollectionTuple out = filter(spec, blank);

    PAssert.that(out.get(FilterQuality.KEPT)).empty();
    PAssert.that(out.get(Rejected.TAG)).containsInAnyOrder(
        Rejected.of(blank, "quality", "missing_field", "no 'score' field in the record"));
    pipeline.run();
  }

  @Test
  public void remembersAContentAcrossWindowsForTheTtlOnAnUnboundedInput() {
    PipelineSpec spec = spec("quality: {dedup: exact, dedup_ttl: 90s}");
    String same = "{\"instruction\": \"Name a colour.\", \"output\": \"Blue.\"}";
    Document early = doc("a", 1, same);
    Document earlyCopy = doc("b", 2, same);
    Document withinTtl = doc("c", 3, same);
    Document afterTtl = doc("d", 4, same);
    Document other = doc("e", 5, "{\"instruction\": \"Name a shape.\", \"output\": \"Circle.\"}");
    Instant start = new Instant(0);
    Duration minute = Duration.standardMinutes(1);
    TestStream<Document> stream =
        TestStream.create(DocumentCoder.of())
            .addElements(TimestampedValue.of(early, start), TimestampedValue.of(earlyCopy, start))
            .advanceWatermarkTo(start.plus(minute))
            .addElements(TimestampedValue.of(withinTtl, start.plus(minute)))
            .advanceWatermarkTo(start.plus(minute.multipliedBy(3)))
            .addElements(TimestampedValue.of(afterTtl, start.plus(minute.multipliedBy(3))),
                TimestampedValue.of(other, start.plus(minute.multipliedBy(3))))
            .advanceWatermarkToInfinity();

    PCollectionTuple out =
        pipeline
            .apply(stream)
            .apply(Window.into(FixedWindows.of(minute)))
            .apply(FilterQuality.of(spec.quality(), spec.fields()));

    IntervalWindow first = new IntervalWindow(start, minute);
    IntervalWindow second = new IntervalWindow(first.end(), minute);
    IntervalWindow fourth = new IntervalWindow(start.plus(minute.multipliedBy(3)), minute);
    // Within a window the smallest (id, origin) survives; a later window's copy within the ttl
    // (the first window ended at 1 min, so until 2.5 min) names that survivor and its window;
    // after the ttl the content is new again.
    PAssert.that(out.get(FilterQuality.KEPT)).inWindow(first).containsInAnyOrder(early);
    PAssert.that(out.get(FilterQuality.KEPT)).inWindow(second).empty();
    PAssert.that(out.get(FilterQuality.KEPT)).inWindow(fourth).containsInAnyOrder(afterTtl, other);
    PAssert.that(out.get(Rejected.TAG)).inWindow(first).containsInAnyOrder(
        Rejected.of(earlyCopy, "quality", "duplicate", "duplicate of a (test:1)"));
    PAssert.that(out.get(Rejected.TAG)).inWindow(second).containsInAnyOrder(
        Rejected.of(withinTtl, "quality", "duplicate",
            "duplicate of a (test:1) in window=1970-01-01T00-00-00Z"));
    PAssert.that(out.get(Rejected.TAG)).inWindow(fourth).empty();
    pipeline.run();
  }

  @Test
  public void keepsEverythingOnCleanInput() {
    PipelineSpec spec = spec("quality: {dedup: exact}");
    Document one = doc("1", "{\"instruction\": \"Name a colour.\", \"output\": \"Blue.\"}");
    Document two = doc("2", "{\"instruction\": \"Name a shape.\", \"output\": \"Circle.\"}");

    PCollectionTuple out = filter(spec, one, two);

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(one, two);
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void withSegmentationTheWholeSourceTextIsJudgedAndNoOutputFieldIsNeeded() {
    PipelineSpec spec = spec("quality: {min_chars: 20, max_chars: 80}\n"
        + "segment: {enabled: true, source_field: page, instruction_patterns: ['^Q: (.+)$'],"
        + " output_patterns: ['^A: (.+)$']}");
    Document faq = doc("faq", "{\"page\": \"Q: Is it open?\\nA: Yes, every day.\"}");
    Document copy = doc("faq-copy", 2, "{\"page\": \"q: is it  open?\\nA: yes, every day.\"}");
    Document shortPage = doc("short", "{\"page\": \"Q: Hm?\\nA: No.\"}");
    Document longPage = doc("long", "{\"page\": \"" + "Q: x?\\nA: y.\\n".repeat(10) + "\"}");
    Document noPage = doc("none", "{\"instruction\": \"Q\", \"output\": \"A long enough answer.\"}");

    PCollectionTuple out = pipeline
        .apply(Create.of(java.util.List.of(faq, copy, shortPage, longPage, noPage))
            .withCoder(DocumentCoder.of()))
        .apply(FilterQuality.of(spec.quality(), spec.fields()).withSegmentation(spec.segment()));

    PAssert.that(out.get(FilterQuality.KEPT)).containsInAnyOrder(faq);
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(copy, "quality", "duplicate", "duplicate of faq (test:1)"),
            Rejected.of(shortPage, "quality", "too_short", "13 chars < min_chars 20"),
            Rejected.of(longPage, "quality", "too_long", "120 chars > max_chars 80"),
            Rejected.of(noPage, "quality", "missing_field", "no 'page' field in the record"));
    pipeline.run();
  }
}
