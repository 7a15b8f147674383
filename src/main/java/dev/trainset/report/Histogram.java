package dev.trainset.report;

/**
 * The bins of the length and weight distributions in stats.json and report.html: four bins per
 * power of two ({@code [1, 1.25), [1.25, 1.5), ..., [2, 2.5), ...}), fixed in advance so that a
 * value's bin is known without seeing the others, and a count per bin is a plain combine on every
 * runner and in every window. Lengths from 1 to 7 get a bin each, 8 and 9 share one, and so on:
 * about 25% wide at any scale. Zero (and what is too small for a normal double) has its own bin.
 */
public final class Histogram {
  /** Bins per power of two. */
  private static final int PER_OCTAVE = 4;

  private Histogram() {}

  /** The lower bound of the bin of {@code value} (not negative): 0, or exact in binary. */
  public static double binOf(double value) {
    if (!(value >= Double.MIN_NORMAL)) {
      return 0;
    }
    if (Double.isInfinite(value)) {
      return value;
    }
    int exponent = Math.getExponent(value);
    double mantissa = Math.scalb(value, -exponent);
    double step = Math.floor((mantissa - 1) * PER_OCTAVE);
    return Math.scalb(1 + step / PER_OCTAVE, exponent);
  }

  /** The upper bound (exclusive) of the bin whose lower bound is {@code lower}. */
  public static double binEnd(double lower) {
    if (lower == 0) {
      return Double.MIN_NORMAL;
    }
    return lower + Math.scalb(1.0, Math.getExponent(lower)) / PER_OCTAVE;
  }

  /** The smallest whole number in the bin of {@code lower}, for lengths. */
  public static long firstWhole(double lower) {
    return (long) Math.ceil(lower);
  }

  /** The largest whole number in the bin of {@code lower}, for lengths. */
  public static long lastWhole(double lower) {
    return lower == 0 ? 0 : (long) Math.ceil(binEnd(lower)) - 1;
  }
}
