package dev.trainset.report;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

public class WeightQuartilesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** The five quantiles read off the sorted weights at {@link WeightQuartiles#ranks}. */
  private static List<Double> bySorting(List<Double> weights) {
    List<Double> sorted = new ArrayList<>(weights);
    Collections.sort(sorted);
    List<Double> quantiles = new ArrayList<>();
    for (long rank : WeightQuartiles.ranks(sorted.size())) {
      quantiles.add(sorted.get((int) rank));
    }
    return quantiles;
  }

  private PCollection<List<Double>> quartiles(String name, List<Double> weights) {
    return pipeline.apply(name, Create.of(weights).withCoder(DoubleCoder.of()))
        .apply(name + "Quartiles", WeightQuartiles.of());
  }

  @Test
  public void manyWeightsGetTheExactQuartilesOfTheirSortedOrder() {
    // Far past ApproximateQuantiles' buffers: repeated values, a wide range, values so close
    // that they share a bucket, a zero and a negative.
    Random random = new Random(5);
    List<Double> weights = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      switch (i % 4) {
        case 0 -> weights.add(1.0);
        case 1 -> weights.add(Math.exp(random.nextGaussian() * 3));
        case 2 -> weights.add(1.25 + random.nextInt(1000) * 1e-9);
        default -> weights.add(1 + Math.min(0.5, random.nextInt(3000) / 2000.0));
      }
    }
    weights.add(0.0);
    weights.add(-2.5);
    List<Double> shuffled = new ArrayList<>(weights);
    Collections.shuffle(shuffled, new Random(9));

    PAssert.thatSingleton(quartiles("Ordered", weights)).isEqualTo(bySorting(weights));
    PAssert.thatSingleton(quartiles("Shuffled", shuffled)).isEqualTo(bySorting(weights));
    pipeline.run();
  }

  @Test
  public void fewWeightsGetWhatApproximateQuantilesGaveThem() {
    // Within its buffers Beam's combine is exact: the same ranks, so small runs report as before.
    Random random = new Random(1);
    for (int n = 1; n <= 60; n++) {
      List<Double> weights = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        weights.add(Math.round(random.nextDouble() * 20) / 10.0);
      }
      ApproximateQuantilesCombineFn<Double, ?> beam = ApproximateQuantilesCombineFn.create(5);
      assertEquals("n = " + n, beam.apply(weights), bySorting(weights));
    }
  }

  @Test
  public void oneWeightIsEveryQuantileAndNoWeightsGiveNothing() {
    PAssert.thatSingleton(quartiles("One", List.of(0.7))).isEqualTo(List.of(0.7, 0.7, 0.7, 0.7, 0.7));
    PAssert.that(quartiles("None", List.of())).empty();
    pipeline.run();
  }

  @Test
  public void bucketsSortAsTheWeights() {
    double[] ordered = {Double.NEGATIVE_INFINITY, -1e9, -2.5, -1.0, -1e-300, -0.0, 0.0, 1e-300, 0.5,
        1.0, 1.0000000001, 1.5, 2.0, 1e300, Double.POSITIVE_INFINITY};
    for (int i = 1; i < ordered.length; i++) {
      long before = WeightQuartiles.bucket(ordered[i - 1]);
      long after = WeightQuartiles.bucket(ordered[i]);
      assertEquals(ordered[i - 1] + " then " + ordered[i], true, before <= after);
    }
    assertEquals(true, WeightQuartiles.bucket(1.0) < WeightQuartiles.bucket(1.001));
  }

  @Test
  public void everyWeightWaitsInOneOfTheBatches() {
    Set<Integer> seen = new HashSet<>();
    for (double weight : new double[] {Double.NEGATIVE_INFINITY, -1e9, -2.5, -1e-300, -0.0, 0.0,
        1e-300, 0.5, 1.0, 1.0000000001, 1.174, 1.3305, 2.0, 1e300, Double.NaN}) {
      int batch = WeightQuartiles.batch(weight);
      assertEquals(weight + " -> " + batch, true, batch >= 0 && batch < WeightQuartiles.BATCHES);
      seen.add(batch);
    }
    assertEquals(true, seen.size() > 1);
  }
}
