package dev.trainset.quality;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic of near dedup: word shingles, MinHash signatures, LSH bands tuned to a Jaccard
 * threshold, and the exact Jaccard similarity that verifies a candidate pair.
 *
 * <p>A shingle is {@value #SHINGLE_WORDS} consecutive words of the normalized text, hashed to 32
 * bits; a document is the sorted set of its shingle hashes. The signature holds, for each of
 * {@value #PERMUTATIONS} seeded hash functions, the smallest hash of any shingle; two documents
 * agree on one position with probability equal to their Jaccard similarity. The signature is cut
 * into {@code bands} of {@code rows}: documents sharing all rows of one band become candidates, so
 * a pair of similarity s is found with probability {@code 1 - (1 - s^rows)^bands}. {@link #tune}
 * picks the bands and rows that best separate pairs above the threshold from those below.
 *
 * <p>Every hash is a fixed function of its input (no per-JVM seed), so signatures, buckets and
 * verdicts are the same on every runner and every run.
 */
final class MinHashLsh implements Serializable {
  /** Words per shingle. Short enough that a changed word breaks few shingles of a short text. */
  static final int SHINGLE_WORDS = 3;

  /** Hash functions in a signature. */
  static final int PERMUTATIONS = 128;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final double threshold;
  private final int bands;
  private final int rows;

  private MinHashLsh(double threshold, int bands, int rows) {
    this.threshold = threshold;
    this.bands = bands;
    this.rows = rows;
  }

  /** Bands and rows tuned for {@code threshold} over {@value #PERMUTATIONS} hash functions. */
  static MinHashLsh forThreshold(double threshold) {
    int[] tuned = tune(threshold, PERMUTATIONS);
    return new MinHashLsh(threshold, tuned[0], tuned[1]);
  }

  double threshold() {
    return threshold;
  }

  int bands() {
    return bands;
  }

  int rows() {
    return rows;
  }

  /**
   * How much a candidate below the threshold costs next to a pair above it that is missed. A
   * candidate is checked exactly, so a false one costs a comparison; a missed pair is a
   * duplicate left in the data.
   */
  private static final double FALSE_CANDIDATE_WEIGHT = 0.1;

  /**
   * The {@code {bands, rows}} with {@code bands * rows <= permutations} that minimize the area of
   * missed pairs above the threshold plus, weighted by {@value #FALSE_CANDIDATE_WEIGHT}, the area
   * of candidate pairs below it, under the probability curve {@code 1 - (1 - s^rows)^bands}. For
   * 0.8 that is 14 bands of 9 rows: a pair at 0.8 is found with probability 0.87, at 0.85 with
   * 0.97.
   */
  static int[] tune(double threshold, int permutations) {
    int[] best = {1, permutations};
    double bestError = Double.MAX_VALUE;
    for (int b = 1; b <= permutations; b++) {
      for (int r = 1; b * r <= permutations; r++) {
        double error = FALSE_CANDIDATE_WEIGHT * area(b, r, 0, threshold, false)
            + (1 - FALSE_CANDIDATE_WEIGHT) * area(b, r, threshold, 1, true);
        if (error < bestError) {
          bestError = error;
          best = new int[] {b, r};
        }
      }
    }
    return best;
  }

  /** The integral over [from, to] of the candidate probability, or of its complement. */
  private static double area(int bands, int rows, double from, double to, boolean missed) {
    int steps = 200;
    double width = (to - from) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double s = from + i * width;
      double candidate = 1 - Math.pow(1 - Math.pow(s, rows), bands);
      double value = missed ? 1 - candidate : candidate;
      sum += (i == 0 || i == steps) ? value / 2 : value;
    }
    return sum * width;
  }

  /**
   * The sorted, distinct 32-bit hashes of the word shingles of {@code parts}: each part is a label
   * and its normalized text, and shingles run across parts with the label as a word, so that text
   * moved from the question to the answer changes the set. A text shorter than a shingle is one
   * shingle.
   */
  static int[] shingles(List<String> parts) {
    String[] words = parts.stream()
        .flatMap(part -> Arrays.stream(part.split(" ")))
        .filter(word -> !word.isEmpty())
        .toArray(String[]::new);
    int count = Math.max(1, words.length - SHINGLE_WORDS + 1);
    int[] hashes = new int[count];
    for (int start = 0; start < count; start++) {
      long hash = 0;
      for (int i = start; i < Math.min(words.length, start + SHINGLE_WORDS); i++) {
        hash = mix(hash ^ stringHash(words[i]));
      }
      hashes[start] = (int) (hash >>> 32);
    }
    Arrays.sort(hashes);
    return distinct(hashes);
  }

  /** The band keys of a document: one 64-bit key per band, the band's index mixed in. */
  long[] bandKeys(int[] shingles) {
    int[] signature = signature(shingles);
    long[] keys = new long[bands];
    for (int band = 0; band < bands; band++) {
      long key = mix(band + 1L);
      for (int row = 0; row < rows; row++) {
        key = mix(key ^ (signature[band * rows + row] & 0xFFFFFFFFL));
      }
      keys[band] = key;
    }
    return keys;
  }

  /**
   * For each hash function, the smallest hash of any shingle. The functions are multiply-shift
   * hashes {@code (a * x + b) >>> 33} with fixed odd multipliers: one multiplication each, in a
   * loop the JIT can vectorize, where sketching would otherwise dominate the cost of near dedup.
   */
  static int[] signature(int[] shingles) {
    int[] signature = new int[PERMUTATIONS];
    Arrays.fill(signature, Integer.MAX_VALUE);
    for (int shingle : shingles) {
      long value = shingle & 0xFFFFFFFFL;
      for (int i = 0; i < PERMUTATIONS; i++) {
        // The top 31 bits: non-negative, so int order is hash order.
        signature[i] = Math.min(signature[i], (int) ((MULTIPLIERS[i] * value + ADDENDS[i]) >>> 33));
      }
    }
    return signature;
  }

  private static final long[] MULTIPLIERS = constants(1);
  private static final long[] ADDENDS = constants(2);

  /** Fixed pseudo-random constants, odd so that a multiplication by one loses no bits. */
  private static long[] constants(long stream) {
    long[] constants = new long[PERMUTATIONS];
    for (int i = 0; i < PERMUTATIONS; i++) {
      constants[i] = mix(stream * PERMUTATIONS + i) | 1L;
    }
    return constants;
  }

  /** |a ∩ b| / |a ∪ b| of two sorted, distinct shingle sets. */
  static double jaccard(int[] a, int[] b) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    int union = a.length + b.length - common;
    return union == 0 ? 1.0 : (double) common / union;
  }

  private static int[] distinct(int[] sorted) {
    int length = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[length++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, length);
  }

  /** FNV-1a over the string's UTF-16 units: fixed across JVMs, unlike a seeded hash. */
  private static long stringHash(String word) {
    long hash = 0xCBF29CE484222325L;
    for (int i = 0; i < word.length(); i++) {
      hash = (hash ^ word.charAt(i)) * 0x100000001B3L;
    }
    return hash;
  }

  /** The SplitMix64 finalizer: every input bit affects every output bit. */
  private static long mix(long value) {
    long z = value + GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
