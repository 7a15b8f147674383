package dev.trainset.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SortedMapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The quartiles of the weights, {@code [min, p25, p50, p75, max]}: exact, and the same whatever
 * order the runner adds the weights in. The quartile {@code k} (1 to 3) of {@code n} weights is the
 * one at rank {@code floor((k n - 1) / 4)} from 0 in ascending order, min and max at the ends: the
 * ranks Beam's {@code ApproximateQuantiles} reads while the weights fit its buffers. Past its
 * buffers (a few thousand weights at five quantiles) that combine returns an approximation that
 * depends on the order its parts are merged in, so the same job could report other quartiles on
 * another runner, or after a change elsewhere in the graph.
 *
 * <p>Memory does not grow with the weights: a histogram counts them per bucket (sign, exponent and
 * the top {@value #MANTISSA_BITS} bits of the mantissa: at most {@code 2^}{@value #MANTISSA_BITS}
 * buckets per power of two), which names the bucket each rank falls in and the rank there; then
 * only the weights of those buckets are kept, as a count per distinct value. Nothing is output
 * for no weights (per window, on unbounded input).
 */
public final class WeightQuartiles extends PTransform<PCollection<Double>, PCollection<List<Double>>> {
  /** Mantissa bits in a bucket's key. */
  static final int MANTISSA_BITS = 12;

  private WeightQuartiles() {}

  public static WeightQuartiles of() {
    return new WeightQuartiles();
  }

  @Override
  public PCollection<List<Double>> expand(PCollection<Double> weights) {
    PCollectionView<List<KV<Long, Long>>> targets = weights
        .apply("Histogram", Combine.globally(
            new CountsFn<Double, Long>(WeightQuartiles::bucket, VarLongCoder.of())).withoutDefaults())
        .apply("Targets", ParDo.of(new TargetsFn()))
        .setCoder(ListCoder.of(KvCoder.of(VarLongCoder.of(), VarLongCoder.of())))
        .apply("TargetsView", View.asSingleton());
    // The selection waits for the targets, which need every weight. A runner may hold each
    // waiting bundle and retry it until they are there: the DirectRunner does, at once and again,
    // and after a grouping upstream it has a bundle per key (per example here). Gathered into a
    // few groups first, the weights wait as a few bundles; elsewhere it is a shuffle of numbers.
    return weights
        .apply("Batch", WithKeys.of((Double weight) -> batch(weight))
            .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
        .apply("Gather", GroupByKey.create())
        .apply("InTargetBuckets", ParDo.of(new SelectFn(targets)).withSideInputs(targets))
        .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
        .apply("ValueCounts", Combine.perKey(
            new CountsFn<Double, Double>(value -> value, DoubleCoder.of())))
        .apply("AtRank", ParDo.of(new AtRankFn(targets)).withSideInputs(targets))
        .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
        .apply("InOrder", Combine.globally(new InOrderFn()).withoutDefaults())
        .setCoder(ListCoder.of(DoubleCoder.of()));
  }

  /** Groups the weights are gathered in before they wait for the targets. */
  static final int BATCHES = 8;

  /** The group of {@link #BATCHES} a weight waits in. */
  static int batch(double weight) {
    return Math.floorMod(Double.hashCode(weight), BATCHES);
  }

  /** The weight's bucket: a key that sorts as the weights do ({@link Double#compare}). */
  static long bucket(double weight) {
    long bits = Double.doubleToLongBits(weight);
    long sortable = bits >= 0 ? bits : bits ^ Long.MAX_VALUE;
    return sortable >> (52 - MANTISSA_BITS);
  }

  /** The ranks the five quantiles of {@code n} weights are read at. */
  static long[] ranks(long n) {
    return new long[] {0, (n - 1) / 4, (2 * n - 1) / 4, (3 * n - 1) / 4, n - 1};
  }

  /** Counts per key ({@code key} of each input), in a sorted map: merging is order-free. */
  static final class CountsFn<T, K extends Comparable<K>>
      extends Combine.CombineFn<T, SortedMap<K, Long>, SortedMap<K, Long>> {
    private final SerializableFunction<T, K> key;
    private final Coder<K> keyCoder;

    CountsFn(SerializableFunction<T, K> key, Coder<K> keyCoder) {
      this.key = key;
      this.keyCoder = keyCoder;
    }

    @Override
    public SortedMap<K, Long> createAccumulator() {
      return new TreeMap<>();
    }

    @Override
    public SortedMap<K, Long> addInput(SortedMap<K, Long> counts, T input) {
      counts.merge(key.apply(input), 1L, Long::sum);
      return counts;
    }

    @Override
    public SortedMap<K, Long> mergeAccumulators(Iterable<SortedMap<K, Long>> all) {
      SortedMap<K, Long> merged = new TreeMap<>();
      for (SortedMap<K, Long> counts : all) {
        counts.forEach((k, count) -> merged.merge(k, count, Long::sum));
      }
      return merged;
    }

    @Override
    public SortedMap<K, Long> extractOutput(SortedMap<K, Long> counts) {
      return counts;
    }

    @Override
    public Coder<SortedMap<K, Long>> getAccumulatorCoder(CoderRegistry registry, Coder<T> input) {
      return SortedMapCoder.of(keyCoder, VarLongCoder.of());
    }

    @Override
    public Coder<SortedMap<K, Long>> getDefaultOutputCoder(CoderRegistry registry, Coder<T> input) {
      return SortedMapCoder.of(keyCoder, VarLongCoder.of());
    }
  }

  /** The histogram -> for each of the five ranks, its bucket and its rank within the bucket. */
  static final class TargetsFn extends DoFn<SortedMap<Long, Long>, List<KV<Long, Long>>> {
    @ProcessElement
    public void process(@Element SortedMap<Long, Long> histogram,
        OutputReceiver<List<KV<Long, Long>>> out) {
      long n = histogram.values().stream().mapToLong(Long::longValue).sum();
      List<KV<Long, Long>> targets = new ArrayList<>();
      long before = 0;
      int next = 0;
      long[] ranks = ranks(n);
      for (Map.Entry<Long, Long> bucket : histogram.entrySet()) {
        while (next < ranks.length && ranks[next] < before + bucket.getValue()) {
          targets.add(KV.of(bucket.getKey(), ranks[next] - before));
          next++;
        }
        before += bucket.getValue();
      }
      out.output(targets);
    }
  }

  /** Each weight in a target bucket, keyed by the quantile (0 to 4) whose bucket it is. */
  static final class SelectFn extends DoFn<KV<Integer, Iterable<Double>>, KV<Integer, Double>> {
    private final PCollectionView<List<KV<Long, Long>>> targets;

    SelectFn(PCollectionView<List<KV<Long, Long>>> targets) {
      this.targets = targets;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      List<KV<Long, Long>> wanted = context.sideInput(targets);
      for (double weight : context.element().getValue()) {
        long bucket = bucket(weight);
        for (int k = 0; k < wanted.size(); k++) {
          if (wanted.get(k).getKey() == bucket) {
            context.output(KV.of(k, weight));
          }
        }
      }
    }
  }

  /** A quantile's bucket, as counts per value -> the value at the quantile's rank in it. */
  static final class AtRankFn extends DoFn<KV<Integer, SortedMap<Double, Long>>, KV<Integer, Double>> {
    private final PCollectionView<List<KV<Long, Long>>> targets;

    AtRankFn(PCollectionView<List<KV<Long, Long>>> targets) {
      this.targets = targets;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      int k = context.element().getKey();
      long rank = context.sideInput(targets).get(k).getValue();
      long before = 0;
      for (Map.Entry<Double, Long> value : context.element().getValue().entrySet()) {
        before += value.getValue();
        if (rank < before) {
          context.output(KV.of(k, value.getKey()));
          return;
        }
      }
      throw new IllegalStateException("quantile " + k + ": rank " + rank + " beyond its bucket's "
          + before + " weights");
    }
  }

  /** The five quantiles, keyed 0 to 4, as a list in that order. */
  static final class InOrderFn
      extends Combine.CombineFn<KV<Integer, Double>, SortedMap<Integer, Double>, List<Double>> {
    @Override
    public SortedMap<Integer, Double> createAccumulator() {
      return new TreeMap<>();
    }

    @Override
    public SortedMap<Integer, Double> addInput(SortedMap<Integer, Double> all, KV<Integer, Double> one) {
      all.put(one.getKey(), one.getValue());
      return all;
    }

    @Override
    public SortedMap<Integer, Double> mergeAccumulators(Iterable<SortedMap<Integer, Double>> parts) {
      SortedMap<Integer, Double> merged = new TreeMap<>();
      parts.forEach(merged::putAll);
      return merged;
    }

    @Override
    public List<Double> extractOutput(SortedMap<Integer, Double> all) {
      return new ArrayList<>(all.values());
    }

    @Override
    public Coder<SortedMap<Integer, Double>> getAccumulatorCoder(CoderRegistry registry,
        Coder<KV<Integer, Double>> input) {
      return SortedMapCoder.of(VarIntCoder.of(), DoubleCoder.of());
    }

    @Override
    public Coder<List<Double>> getDefaultOutputCoder(CoderRegistry registry,
        Coder<KV<Integer, Double>> input) {
      return ListCoder.of(DoubleCoder.of());
    }
  }
}
