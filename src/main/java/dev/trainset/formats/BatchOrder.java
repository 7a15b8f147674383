package dev.trainset.formats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order a training sampler draws a split of {@code size} examples in, for {@code
 * output.select.batch_size}: a seeded permutation of the indexes {@code [0, size)}, cut into
 * batches of {@code batchSize}; the last batch may be shorter. The permutation is a keyed Feistel
 * network over the smallest power of four at least {@code size}, walked until it lands inside
 * the split, so the position of any index is computed alone, with no table of the split: the
 * same on every worker and runner, for the same seed and size.
 */
public final class BatchOrder {
  private static final int ROUNDS = 4;

  private final long seed;
  private final long size;
  private final long batchSize;
  private final int half;
  private final long mask;
  /** The selected batches as merged, sorted inclusive ranges. */
  private final List<long[]> selected;

  public BatchOrder(long seed, long size, long batchSize, List<long[]> batches) {
    if (size < 0 || batchSize <= 0) {
      throw new IllegalArgumentException("size >= 0 and batch size > 0, got " + size + ", "
          + batchSize);
    }
    this.seed = seed;
    this.size = size;
    this.batchSize = batchSize;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(Math.max(0, size - 1)));
    this.half = (bits + 1) / 2;
    this.mask = (1L << half) - 1;
    this.selected = merged(batches);
  }

  /** Where index {@code index} of the split comes in the sampler's order, from 0. */
  public long position(long index) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("index " + index + " is outside [0, " + size + ")");
    }
    long x = index;
    do {
      x = permute(x);
    } while (x >= size);
    return x;
  }

  /** The batch of index {@code index}. */
  public long batch(long index) {
    return position(index) / batchSize;
  }

  /** Whether {@code batch} is one of the selected batches. */
  public boolean selected(long batch) {
    for (long[] range : selected) {
      if (batch >= range[0] && batch <= range[1]) {
        return true;
      }
    }
    return false;
  }

  /** How many of the split's examples the selected batches hold. */
  public long selectedCount() {
    long batches = (size + batchSize - 1) / batchSize;
    long count = 0;
    for (long[] range : selected) {
      long first = range[0];
      long last = Math.min(range[1], batches - 1);
      if (first <= last) {
        count += Math.min(size, (last + 1) * batchSize) - first * batchSize;
      }
    }
    return count;
  }

  private long permute(long x) {
    long left = x >>> half;
    long right = x & mask;
    for (int round = 0; round < ROUNDS; round++) {
      long next = left ^ (mix(seed + round * 0x9E3779B97F4A7C15L + right) & mask);
      left = right;
      right = next;
    }
    return (left << half) | right;
  }

  /** SplitMix64's finalizer: every bit of the input moves every bit of the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static List<long[]> merged(List<long[]> batches) {
    List<long[]> sorted = new ArrayList<>(batches.stream().map(long[]::clone).toList());
    sorted.sort(Comparator.comparingLong(range -> range[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] range : sorted) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && range[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], range[1]);
      } else {
        merged.add(range);
      }
    }
    return merged;
  }
}
