package dev.trainset.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * The mean of doubles, the same whatever order the runner adds them in: each double is added
 * exactly (a double is a finite binary fraction, which a {@link BigDecimal} holds exactly) and
 * only the quotient is rounded, once. Beam's {@code Mean} adds doubles, whose sum depends on the
 * order the workers combine their parts in, so one job gave 1.0 in one run and
 * 0.9999999999999998 in the next, in stats.json and in every weight normalized by it. The mean
 * of no values is NaN, as Beam's is.
 */
public final class ExactMean extends Combine.CombineFn<Double, ExactMean.Sum, Double> {
  private static final ExactMean INSTANCE = new ExactMean();

  private ExactMean() {}

  public static ExactMean of() {
    return INSTANCE;
  }

  /**
   * The exact sum of the finite values added so far, the sum of the others (infinities, NaN: their
   * sum does not depend on the order either), and how many values there were.
   */
  public static final class Sum {
    BigDecimal total = BigDecimal.ZERO;
    double nonFinite;
    long count;
  }

  @Override
  public Sum createAccumulator() {
    return new Sum();
  }

  @Override
  public Sum addInput(Sum sum, Double value) {
    if (Double.isFinite(value)) {
      sum.total = sum.total.add(new BigDecimal(value));
    } else {
      sum.nonFinite += value;
    }
    sum.count++;
    return sum;
  }

  @Override
  public Sum mergeAccumulators(Iterable<Sum> sums) {
    Sum merged = new Sum();
    for (Sum sum : sums) {
      merged.total = merged.total.add(sum.total);
      merged.nonFinite += sum.nonFinite;
      merged.count += sum.count;
    }
    return merged;
  }

  @Override
  public Double extractOutput(Sum sum) {
    if (sum.count == 0) {
      return Double.NaN;
    }
    if (sum.nonFinite != 0 || Double.isNaN(sum.nonFinite)) {
      return sum.nonFinite;
    }
    return sum.total.divide(BigDecimal.valueOf(sum.count), MathContext.DECIMAL128).doubleValue();
  }

  @Override
  public Coder<Sum> getAccumulatorCoder(CoderRegistry registry, Coder<Double> inputCoder) {
    return SumCoder.INSTANCE;
  }

  private static final class SumCoder extends AtomicCoder<Sum> {
    static final SumCoder INSTANCE = new SumCoder();

    @Override
    public void encode(Sum sum, OutputStream out) throws IOException {
      BigDecimalCoder.of().encode(sum.total, out);
      DoubleCoder.of().encode(sum.nonFinite, out);
      VarLongCoder.of().encode(sum.count, out);
    }

    @Override
    public Sum decode(InputStream in) throws IOException {
      Sum sum = new Sum();
      sum.total = BigDecimalCoder.of().decode(in);
      sum.nonFinite = DoubleCoder.of().decode(in);
      sum.count = VarLongCoder.of().decode(in);
      return sum;
    }
  }
}
