package dev.trainset.transforms;

import static dev.trainset.testing.Fixtures.spec;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

public class StratifiedSplitTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String RATIOS = "ratios: {train: 0.6, validation: 0.2, test: 0.2}";

  /**
   * Splits of ex-0 .. ex-11 for seeds 42 and 7, computed by an independent implementation of
   * the documented rule (SHA-256 of "seed:id:ID", top 53 bits as a fraction of 2^53, placed on
   * the cumulative ratios), so the assignment stays the same across versions and languages.
   */
  private static final List<String> SEED_42 = List.of("train", "test", "test", "validation",
      "validation", "validation", "train", "validation", "train", "train", "test", "train");

  private static final List<String> SEED_7 = List.of("train", "test", "train", "test", "test",
      "test", "train", "train", "validation", "train", "test", "train");

  private static List<Example> examples(int count) {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      examples.add(Example.text("ex-" + i, "text " + i));
    }
    return examples;
  }

  private static List<Example> assigned(List<Example> examples, List<String> splits) {
    List<Example> expected = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      expected.add(examples.get(i).withSplit(splits.get(i)));
    }
    return expected;
  }

  private PCollection<Example> split(String name, String splitYaml, List<Example> examples) {
    return pipeline
        .apply(name, Create.of(examples).withCoder(ExampleCoder.of()))
        .apply(name + "Split", StratifiedSplit.of(spec("split: " + splitYaml).split()));
  }

  @Test
  public void assignmentIsAFunctionOfSeedAndId() {
    List<Example> examples = examples(12);

    PAssert.that(split("Seed42", "{" + RATIOS + ", seed: 42}", examples))
        .containsInAnyOrder(assigned(examples, SEED_42));
    PAssert.that(split("Seed7", "{" + RATIOS + ", seed: 7}", examples))
        .containsInAnyOrder(assigned(examples, SEED_7));
    pipeline.run();
  }

  @Test
  public void aGroupLandsInOneSplit() {
    // Groups doc-a, doc-b and doc-c draw train and doc-d draws test (same independent check).
    Map<String, String> groupSplit =
        Map.of("doc-a", "train", "doc-b", "train", "doc-c", "train", "doc-d", "test");
    List<String> groups = List.of("doc-a", "doc-b", "doc-c", "doc-d");
    List<Example> examples = new ArrayList<>();
    List<Example> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String group = groups.get(i % 4);
      Example example = Example.text("ex-" + i, "text " + i)
          .withAttributes(Map.of("source_id", TextNode.valueOf(group)));
      examples.add(example);
      expected.add(example.withSplit(groupSplit.get(group)));
    }
    // An example without the group value is placed by its own id: ex-1 draws test at seed 42.
    Example loose = Example.text("ex-1", "no group");
    examples.add(loose);
    expected.add(loose.withSplit("test"));
    // A blank group value is no group either: ex-3 draws validation by its id.
    Example blank = Example.text("ex-3", "blank group")
        .withAttributes(Map.of("source_id", TextNode.valueOf(" ")));
    examples.add(blank);
    expected.add(blank.withSplit("validation"));

    PAssert.that(split("Groups", "{" + RATIOS + ", group_by: source_id, seed: 42}", examples))
        .containsInAnyOrder(expected);
    pipeline.run();
  }

  @Test
  public void aZeroRatioSplitGetsNothing() {
    List<Example> examples = examples(12);
    List<Example> expected = new ArrayList<>();
    examples.forEach(example -> expected.add(example.withSplit("train")));

    PAssert.that(split("AllTrain", "{ratios: {train: 1.0, test: 0.0}, seed: 42}", examples))
        .containsInAnyOrder(expected);
    pipeline.run();
  }
}
