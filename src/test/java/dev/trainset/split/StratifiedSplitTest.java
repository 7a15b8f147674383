package dev.trainset.split;

import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class StratifiedSplitTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String RATIOS = "ratios: {train: 0.6, validation: 0.2, test: 0.2}";
  private static final String EIGHTY = "ratios: {train: 0.8, validation: 0.1, test: 0.1}";

  /**
   * Splits of ex-0 .. ex-11 for seeds 42 and 7 in hash-threshold mode, computed by an
   * independent implementation of the documented rule (SHA-256 of "seed:id:ID", top 53 bits as a
   * fraction of 2^53, placed on the cumulative ratios), so the assignment stays the same across
   * versions and languages.
   */
  private static final List<String> SEED_42 = List.of("train", "test", "test", "validation",
      "validation", "validation", "train", "validation", "train", "train", "test", "train");

  private static final List<String> SEED_7 = List.of("train", "test", "train", "test", "test",
      "test", "train", "train", "validation", "train", "test", "train");

  /**
   * Largest-remainder sizes (train, validation, test) at 0.8/0.1/0.1 for 1..10 examples, worked
   * out by hand, equal remainders to the split named first: e.g. 7 -> 5.6, 0.7, 0.7 -> floors 5,
   * 0, 0 and two more to the largest remainders (validation and test).
   */
  private static final long[][] TINY = {
    {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {3, 1, 0}, {4, 1, 0},
    {5, 1, 0}, {5, 1, 1}, {6, 1, 1}, {7, 1, 1}, {8, 1, 1}
  };

  private static final double[] INORDER = {0, 0, 0};

  private static List<Example> examples(int count) {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      examples.add(Example.text("ex-" + i, "text " + i));
    }
    return examples;
  }

  private static Example withAttribute(Example example, String key, String value) {
    Map<String, com.fasterxml.jackson.databind.JsonNode> attributes = new HashMap<>(example.attributes());
    attributes.put(key, TextNode.valueOf(value));
    return example.withAttributes(attributes);
  }

  /**
   * A skewed stratum of 540 (90% of all), strata of 1..10 examples, 5 without a value and 2
   * blank.
   */
  private static List<Example> skewedAndTiny() {
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 540; i++) {
      examples.add(withAttribute(Example.text("big-" + i, "t"), "topic", "big"));
    }
    for (int size = 1; size <= 10; size++) {
      for (int i = 0; i < size; i++) {
        examples.add(withAttribute(Example.text("s" + size + "-" + i, "t"), "topic", "tiny" + size));
      }
    }
    for (int i = 0; i < 5; i++) {
      examples.add(Example.text("none-" + i, "t"));
    }
    examples.add(withAttribute(Example.text("blank-0", "t"), "topic", ""));
    examples.add(withAttribute(Example.text("blank-1", "t"), "topic", "  "));
    return examples;
  }

  /** The strata of {@link #skewedAndTiny} and their sizes. */
  private static Map<String, Long> skewedSizes() {
    Map<String, Long> sizes = new TreeMap<>();
    sizes.put("big", 540L);
    for (int size = 1; size <= 10; size++) {
      sizes.put("tiny" + size, (long) size);
    }
    sizes.put(Example.MISSING_STRATUM, 7L);
    return sizes;
  }

  /**
   * Asserts that the counts ("stratum/split" -> n) are a largest-remainder rounding of the 0.8,
   * 0.1, 0.1 ratios in every stratum: each split gets floor(ratio x n) or one more, they sum to n,
   * and no split got one more while another with a larger remainder did not (equal remainders may
   * go either way: the tie order is drawn per stratum).
   */
  private static void assertLargestRemainder(Iterable<KV<String, Long>> counts, Map<String, Long> sizes) {
    Map<String, Map<String, Long>> byStratum = new TreeMap<>();
    for (KV<String, Long> count : counts) {
      String[] key = count.getKey().split("/");
      byStratum.computeIfAbsent(key[0], k -> new TreeMap<>()).put(key[1], count.getValue());
    }
    assertEquals(sizes.keySet(), byStratum.keySet());
    Map<String, Double> ratios = Map.of("train", 0.8, "validation", 0.1, "test", 0.1);
    for (Map.Entry<String, Long> stratum : sizes.entrySet()) {
      long n = stratum.getValue();
      Map<String, Long> got = byStratum.get(stratum.getKey());
      assertEquals(stratum.getKey(), n, got.values().stream().mapToLong(Long::longValue).sum());
      double smallestRoundedUp = 2;
      double largestRoundedDown = -1;
      for (Map.Entry<String, Double> ratio : ratios.entrySet()) {
        double exact = ratio.getValue() * n;
        long floor = (long) Math.floor(exact);
        long count = got.getOrDefault(ratio.getKey(), 0L);
        assertTrue(stratum + " " + got, count == floor || count == floor + 1);
        if (count > floor) {
          smallestRoundedUp = Math.min(smallestRoundedUp, exact - floor);
        } else {
          largestRoundedDown = Math.max(largestRoundedDown, exact - floor);
        }
      }
      assertTrue(stratum + " " + got, smallestRoundedUp >= largestRoundedDown);
    }
    assertEquals(Map.of("train", 432L, "validation", 54L, "test", 54L), byStratum.get("big"));
  }

  private static void addCounts(List<KV<String, Long>> expected, String stratum, long[] counts,
      List<String> splits) {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        expected.add(KV.of(stratum + "/" + splits.get(i), counts[i]));
      }
    }
  }

  private PCollection<Example> split(String name, String splitYaml, List<Example> examples) {
    return split(name, StratifiedSplit.of(spec("split: " + splitYaml).split()), examples);
  }

  private PCollection<Example> split(String name, StratifiedSplit transform, List<Example> examples) {
    return pipeline
        .apply(name, Create.of(examples).withCoder(ExampleCoder.of()))
        .apply(name + "Split", transform);
  }

  private static PCollection<KV<String, Long>> countsByStratum(String name, PCollection<Example> split) {
    return split
        .apply(name + "Keys", MapElements.into(TypeDescriptors.strings())
            .via((Example e) -> e.stratum("topic") + "/" + e.split()))
        .apply(name + "Count", Count.perElement())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  @Test
  public void eachStratumHoldsItsRatiosToWithinOneExample() {
    PCollection<Example> split =
        split("Skewed", "{" + EIGHTY + ", stratify_by: topic, seed: 42}", skewedAndTiny());

    Map<String, Long> sizes = skewedSizes();
    PAssert.that(countsByStratum("Skewed", split)).satisfies(counts -> {
      assertLargestRemainder(counts, sizes);
      return null;
    });
    // Within a stratum the splits take consecutive ranks of the draw: train first, then
    // validation, then test.
    PAssert.that(split).satisfies(examples -> {
      Map<String, Map<String, double[]>> ranges = new TreeMap<>();
      for (Example e : examples) {
        double draw = Hashes.unitInterval(42, "id:" + e.id());
        double[] range = ranges.computeIfAbsent(e.stratum("topic"), s -> new HashMap<>())
            .computeIfAbsent(e.split(), s -> new double[] {2, -1});
        range[0] = Math.min(range[0], draw);
        range[1] = Math.max(range[1], draw);
      }
      for (Map<String, double[]> bySplit : ranges.values()) {
        List<String> order = List.of("train", "validation", "test");
        for (int i = 0; i + 1 < order.size(); i++) {
          double[] lower = bySplit.get(order.get(i));
          for (int j = i + 1; j < order.size(); j++) {
            double[] upper = bySplit.get(order.get(j));
            if (lower != null && upper != null) {
              assertTrue(lower[1] < upper[0]);
            }
          }
        }
      }
      return null;
    });
    pipeline.run();
  }

  /** Each id's splits in {@code a} and {@code b}, side by side. */
  private static PCollection<KV<String, Iterable<String>>> bothSplits(
      String name, PCollection<Example> a, PCollection<Example> b) {
    return bothSplits(name, a, b, false);
  }

  /** As above, by id and text when {@code byText}: examples that share an id apart. */
  private static PCollection<KV<String, Iterable<String>>> bothSplits(
      String name, PCollection<Example> a, PCollection<Example> b, boolean byText) {
    PCollectionList<KV<String, String>> both = PCollectionList.empty(a.getPipeline());
    for (PCollection<Example> each : List.of(a, b)) {
      both = both.and(each.apply(name + both.size(), MapElements
          .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
          .via((Example e) -> KV.of(byText ? e.id() + "|" + e.text() : e.id(), e.split()))));
    }
    return both.apply(name + "Flatten", Flatten.pCollections())
        .apply(name + "ById", GroupByKey.create());
  }

  private static long differing(Iterable<KV<String, Iterable<String>>> byId, int ids) {
    long differing = 0;
    long seen = 0;
    for (KV<String, Iterable<String>> id : byId) {
      List<String> splits = new ArrayList<>();
      id.getValue().forEach(splits::add);
      assertEquals(id.getKey(), 2, splits.size());
      seen++;
      if (!splits.get(0).equals(splits.get(1))) {
        differing++;
      }
    }
    assertEquals(ids, seen);
    return differing;
  }

  @Test
  public void theAssignmentDependsNeitherOnInputOrderNorOnBuckets() {
    List<Example> examples = skewedAndTiny();
    List<Example> shuffled = new ArrayList<>(examples);
    Collections.shuffle(shuffled, new Random(3));
    String yaml = "{" + EIGHTY + ", stratify_by: topic, seed: 42}";
    PCollection<Example> once = split("Once", yaml, examples);
    // With 4 buckets or one, nearly every bucket holds a cut: ranking inside a bucket decides.
    PCollection<Example> coarse = split("Coarse",
        StratifiedSplit.of(spec("split: " + yaml).split()).withBucketBits(2), shuffled);
    PCollection<Example> single = split("Single",
        StratifiedSplit.of(spec("split: " + yaml).split()).withBucketBits(0), examples);

    Map<String, Long> sizes = skewedSizes();
    PAssert.that(countsByStratum("Coarse", coarse)).satisfies(counts -> {
      assertLargestRemainder(counts, sizes);
      return null;
    });
    int size = examples.size();
    PAssert.that(bothSplits("OnceCoarse", once, coarse)).satisfies(byId -> {
      assertEquals(0, differing(byId, size));
      return null;
    });
    PAssert.that(bothSplits("OnceSingle", once, single)).satisfies(byId -> {
      assertEquals(0, differing(byId, size));
      return null;
    });
    pipeline.run();
  }

  @Test
  public void withoutGroupsEachExampleIsPlacedInItsBucketAsItsUnitWouldBe() {
    List<Example> examples = new ArrayList<>(skewedAndTiny());
    // Ids given twice in one stratum: one unit of two on both paths, so in one split.
    for (int i = 0; i < 540; i += 18) {
      examples.add(withAttribute(Example.text("big-" + i, "again"), "topic", "big"));
    }
    StratifiedSplit split = StratifiedSplit.of(
        spec("split: {" + EIGHTY + ", stratify_by: topic, seed: 42}").split());
    int size = examples.size();
    for (int bits : new int[] {0, 2, StratifiedSplit.BUCKET_BITS}) {
      PCollection<Example> direct = split("Direct" + bits, split.withBucketBits(bits), examples);
      PCollection<Example> byUnits =
          split("Units" + bits, split.withBucketBits(bits).withUnitsAlways(), examples);
      PAssert.that(bothSplits("Both" + bits, direct, byUnits, true)).satisfies(byExample -> {
        assertEquals(0, differing(byExample, size));
        return null;
      });
    }
    pipeline.run();
  }

  @Test
  public void aSeedChangesTheAssignmentButNotTheCounts() {
    List<Example> examples = examples(100);
    PCollection<Example> a = split("Seed42", "{" + EIGHTY + ", seed: 42}", examples);
    PCollection<Example> b = split("Seed7", "{" + EIGHTY + ", seed: 7}", examples);
    List<KV<String, Long>> counts = new ArrayList<>();
    addCounts(counts, Example.MISSING_STRATUM, new long[] {80, 10, 10},
        List.of("train", "validation", "test"));

    PAssert.that(countsByStratum("Seed42", a)).containsInAnyOrder(counts);
    PAssert.that(countsByStratum("Seed7", b)).containsInAnyOrder(counts);
    PAssert.that(bothSplits("Seeds", a, b)).satisfies(byId -> {
      // 20 of 100 examples are outside train under each seed; they are not the same 20.
      assertTrue(differing(byId, 100) > 0);
      return null;
    });
    pipeline.run();
  }

  @Test
  public void aGroupLandsInOneSplitAndSplitsStayWithinTheLargestGroup() {
    // 60 groups of 1..5 examples in one stratum, 10 ungrouped examples; one group spans strata.
    List<Example> examples = new ArrayList<>();
    int n = 0;
    for (int g = 0; g < 60; g++) {
      for (int i = 0; i <= g % 5; i++) {
        Example e = withAttribute(Example.text("ex-" + n++, "t"), "source_id", "doc-" + g);
        examples.add(withAttribute(e, "topic", g == 0 && i == 1 ? "b" : "a"));
      }
    }
    for (int i = 0; i < 10; i++) {
      examples.add(withAttribute(Example.text("loose-" + i, "t"), "topic", "a"));
    }
    int total = examples.size();

    String yaml = "{" + RATIOS + ", stratify_by: topic, group_by: source_id, seed: 42}";
    PCollection<Example> split = split("Groups", yaml, examples);
    // At the DirectRunner's coarse grain units are combined and joined in groups: the same splits.
    PCollection<Example> coarse = split("GroupsCoarse",
        StratifiedSplit.of(spec("split: " + yaml).split()).withGrain(Grain.COARSE), examples);
    PAssert.that(bothSplits("GroupsBoth", split, coarse)).satisfies(byId -> {
      assertEquals(0, differing(byId, total));
      return null;
    });
    PAssert.that(split).satisfies(out -> {
      Map<String, String> groupSplit = new HashMap<>();
      Map<String, Long> counts = new TreeMap<>();
      long seen = 0;
      for (Example e : out) {
        seen++;
        counts.merge(e.split(), 1L, Long::sum);
        String group = e.lookupText("source_id");
        if (group != null) {
          String before = groupSplit.putIfAbsent(group, e.split());
          assertTrue(group + " is in two splits", before == null || before.equals(e.split()));
        }
      }
      assertEquals(total, seen);
      Map<String, Double> ratios = Map.of("train", 0.6, "validation", 0.2, "test", 0.2);
      for (Map.Entry<String, Double> ratio : ratios.entrySet()) {
        double off = counts.getOrDefault(ratio.getKey(), 0L) - ratio.getValue() * total;
        // Each cut moves by at most half the largest group (5): two cuts, 5 examples at most.
        assertTrue(counts + " vs " + ratios, Math.abs(off) <= 5);
      }
      return null;
    });
    pipeline.run();
  }

  @Test
  public void unboundedInputIsPlacedByThresholdOnTheSameDraw() {
    List<Example> examples = examples(12);
    List<Example> expected = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      expected.add(examples.get(i).withSplit(SEED_42.get(i)));
    }
    // Unbounded: a loose example and one with a blank group are placed by their id.
    Example loose = withAttribute(Example.text("ex-3", "blank group"), "source_id", " ");
    expected.add(loose.withSplit("validation"));
    TestStream<Example> stream = TestStream.create(ExampleCoder.of())
        .addElements(examples.get(0), examples.subList(1, 12).toArray(Example[]::new))
        .addElements(loose)
        .advanceWatermarkToInfinity();

    PAssert.that(pipeline.apply(stream).apply(StratifiedSplit.of(
            spec("split: {" + RATIOS + ", group_by: source_id, seed: 42}").split())))
        .containsInAnyOrder(expected);
    pipeline.run();
  }

  @Test
  public void thresholdModeFollowsTheSeed() {
    List<Example> examples = examples(12);
    List<Example> expected = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      expected.add(examples.get(i).withSplit(SEED_7.get(i)));
    }
    TestStream<Example> stream = TestStream.create(ExampleCoder.of())
        .addElements(examples.get(0), examples.subList(1, 12).toArray(Example[]::new))
        .advanceWatermarkToInfinity();

    PAssert.that(pipeline.apply(stream)
            .apply(StratifiedSplit.of(spec("split: {" + RATIOS + ", seed: 7}").split())))
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

  @Test
  public void largestRemainderAndMidpoints() {
    List<Double> eighty = List.of(0.8, 0.1, 0.1);
    for (int n = 1; n <= 10; n++) {
      assertArrayEquals("n=" + n, TINY[n - 1], StratifiedSplit.largestRemainder(eighty, n, INORDER));
    }
    // Ties in another order: 5 -> 4, 0.5, 0.5; test before validation.
    assertArrayEquals(new long[] {4, 0, 1},
        StratifiedSplit.largestRemainder(eighty, 5, new double[] {0.5, 0.9, 0.1}));
    assertArrayEquals(new long[] {720, 90, 90}, StratifiedSplit.largestRemainder(eighty, 900, INORDER));
    assertArrayEquals(new long[] {0, 0},
        StratifiedSplit.largestRemainder(List.of(0.5, 0.5), 0, INORDER));
    // Ratios that sum to 1 only within rounding still give exactly n.
    assertArrayEquals(new long[] {1, 1, 1},
        StratifiedSplit.largestRemainder(List.of(0.3333333, 0.3333333, 0.3333333), 3, INORDER));
    assertArrayEquals(new long[] {3, 0},
        StratifiedSplit.largestRemainder(List.of(1.0, 0.0), 3, INORDER));

    List<Long> cuts = StratifiedSplit.cuts(new long[] {8, 1, 1});
    assertEquals(List.of(8L, 9L), cuts);
    assertEquals(0, StratifiedSplit.splitAt(cuts, 7, 1));
    assertEquals(1, StratifiedSplit.splitAt(cuts, 8, 1));
    assertEquals(2, StratifiedSplit.splitAt(cuts, 9, 1));
    // A group of 4 ranked after 6: examples 6..9, midpoint 8 -> validation.
    assertEquals(1, StratifiedSplit.splitAt(cuts, 6, 4));
    // A group of 3 ranked after 6: midpoint 7.5 < 8 -> train.
    assertEquals(0, StratifiedSplit.splitAt(cuts, 6, 3));
  }
}
