package dev.trainset.split;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Grain;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

public class SplitLeakageTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static Example example(String id, String text, String split, String group) {
    Example example = Example.text(id, text).withSplit(split);
    return group == null ? example
        : example.withAttributes(Map.of("source_id", TextNode.valueOf(group)));
  }

  private PCollection<String> check(String name, String groupBy, Example... examples) {
    return check(name, groupBy, Grain.FINE, examples);
  }

  private PCollection<String> check(String name, String groupBy, Grain grain,
      Example... examples) {
    return pipeline
        .apply(name, Create.of(List.of(examples)).withCoder(ExampleCoder.of()))
        .apply(name + "Check", SplitLeakage.of(groupBy).withGrain(grain));
  }

  @Test
  public void findsGroupsAndContentInTwoSplits() {
    for (Grain grain : Grain.values()) {
      PCollection<String> leaks = check("Leaky" + grain, "source_id", grain,
          example("a", "First part.", "train", "doc-1"),
          example("b", "Second part.", "test", "doc-1"),
          example("c", "Third part.", "train", "doc-2"),
          example("d", "Fourth part.", "train", "doc-2"),
          example("e", "Same text", "train", null),
          example("f", "same   TEXT ", "validation", null),
          example("g", "Same text", "train", " "));

      PAssert.that(leaks).containsInAnyOrder(
          "{\"leakage\":\"groups\",\"keys\":1,\"examples\":2,\"sample_ids\":[\"a\",\"b\"]}",
          "{\"leakage\":\"content\",\"keys\":1,\"examples\":3,\"sample_ids\":[\"e\",\"f\",\"g\"]}");
    }
    pipeline.run();
  }

  @Test
  public void cleanSplitsGiveNoLine() {
    PCollection<String> leaks = check("Clean", "source_id",
        example("a", "First part.", "train", "doc-1"),
        example("b", "Second part.", "train", "doc-1"),
        example("e", "Same text", "test", null),
        example("f", "same   TEXT ", "test", null));
    // Without group_by only content is checked: doc-1 across splits is no finding then.
    PCollection<String> ungrouped = check("Ungrouped", "",
        example("a", "First part.", "train", "doc-1"),
        example("b", "Second part.", "test", "doc-1"));

    PAssert.that(leaks).empty();
    PAssert.that(ungrouped).empty();
    pipeline.run();
  }

  @Test
  public void keepsAtMostTenSampleIdsButCountsAll() {
    Example[] examples = new Example[24];
    for (int i = 0; i < 24; i++) {
      examples[i] = example(String.format("x%02d", i), "Copy " + (i % 2), i < 12 ? "train" : "test", null);
    }
    for (Grain grain : Grain.values()) {
      PAssert.that(check("Many" + grain, "", grain, examples)).containsInAnyOrder(
          "{\"leakage\":\"content\",\"keys\":2,\"examples\":24,\"sample_ids\":[\"x00\","
              + "\"x01\",\"x02\",\"x03\",\"x04\",\"x05\",\"x06\",\"x07\",\"x08\",\"x09\"]}");
    }
    pipeline.run();
  }
}
