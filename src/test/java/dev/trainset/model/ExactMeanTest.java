package dev.trainset.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ExactMeanTest {
  /** The mean as a runner combines it: one accumulator per part, merged in the order given. */
  private static double mean(List<List<Double>> parts) throws Exception {
    return combine(ExactMean.of(), parts);
  }

  private static <A> double combine(CombineFn<Double, A, Double> fn, List<List<Double>> parts)
      throws Exception {
    Coder<A> coder = fn.getAccumulatorCoder(null, DoubleCoder.of());
    List<A> accumulators = new ArrayList<>();
    for (List<Double> part : parts) {
      A accumulator = fn.createAccumulator();
      for (double value : part) {
        accumulator = fn.addInput(accumulator, value);
      }
      // Across workers an accumulator travels encoded.
      accumulators.add(CoderUtils.clone(coder, accumulator));
    }
    return fn.extractOutput(fn.mergeAccumulators(accumulators));
  }

  @Test
  void theMeanDoesNotDependOnTheOrderTheValuesAreAddedIn() throws Exception {
    Random random = new Random(7);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      values.add(random.nextDouble() * Math.pow(10, random.nextInt(20) - 10));
    }
    double first = mean(List.of(values.subList(0, 500), values.subList(500, 1_000)));
    List<Double> shuffled = new ArrayList<>(values);
    boolean doublesDiffered = false;
    for (int round = 0; round < 20; round++) {
      Collections.shuffle(shuffled, random);
      List<List<Double>> parts = List.of(shuffled.subList(0, 300), shuffled.subList(300, 310),
          shuffled.subList(310, 1_000));
      assertEquals(first, mean(parts));
      doublesDiffered |= combine(Mean.of(), parts) != combine(Mean.of(), List.of(values));
    }
    // The same shuffles move a sum of doubles: what the exact sum is for.
    assertEquals(true, doublesDiffered);
  }

  @Test
  void theQuotientIsRoundedOnce() throws Exception {
    assertEquals(0.2, mean(List.of(List.of(0.1, 0.3), List.of(0.2))));
    assertEquals(1.0, mean(List.of(List.of(1e16, 1.0, -1e16, 3.0))));
    assertNotEquals(1.0, combine(Mean.of(), List.of(List.of(1e16, 1.0, -1e16, 3.0))));
  }

  @Test
  void noValuesHaveNoMeanAndInfinitiesAndNanCarryThrough() throws Exception {
    assertEquals(Double.NaN, mean(List.of(List.of())));
    assertEquals(Double.POSITIVE_INFINITY,
        mean(List.of(List.of(1.0, Double.POSITIVE_INFINITY), List.of(2.0))));
    assertEquals(Double.NaN,
        mean(List.of(List.of(Double.POSITIVE_INFINITY), List.of(Double.NEGATIVE_INFINITY))));
    assertEquals(Double.NaN, mean(List.of(List.of(1.0, Double.NaN))));
  }
}
