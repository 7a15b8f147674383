package dev.trainset.split;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.CombineAtGrain;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import dev.trainset.model.ToGroupFn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Assigns each example to a named split, deterministically from {@code seed} and the example's
 * unit: its {@code group_by} value (a whole group is one unit, weighted by its example count),
 * else its id. Each unit draws {@code u} in [0, 1) from a SHA-256 of seed and unit key; nothing
 * depends on bundle order or runner.
 *
 * <p>Bounded input gets exact counts. Within each stratum ({@code stratify_by} value; a missing or
 * blank value is the stratum {@value Example#MISSING_STRATUM}) the units are ranked by {@code u} and the
 * split sizes are the largest-remainder rounding of {@code ratio x stratum size}, so each is
 * within one example of its ratio. No worker holds a stratum: (1) a combine sums unit weights
 * per (stratum, bucket of {@code u}), {@value #BUCKET_BITS} bits of buckets; (2) per stratum, only
 * that histogram is read, giving each bucket the count of examples ranked before it and the cut
 * points; (3) per bucket, its few units are sorted by {@code u} and placed on the cuts. A unit
 * goes to the split holding the midpoint of its examples on the ranked line, so single examples
 * land exactly and groups as closely as whole groups allow (the report says how close). A group
 * whose examples disagree on the stratum belongs to the smallest of their values.
 *
 * <p>Unbounded input cannot be counted: there {@code u} is placed on the cumulative ratios
 * directly (a hash threshold), with the same determinism; proportions then hold in expectation.
 */
public final class StratifiedSplit extends PTransform<PCollection<Example>, PCollection<Example>> {
  static final int BUCKET_BITS = 16;

  /** Bits of buckets at {@link Grain#COARSE}: four buckets per stratum. */
  static final int COARSE_BUCKET_BITS = 2;

  /** (stratum, bucket). */
  private static final KvCoder<String, Integer> BUCKET_KEY =
      KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());

  private final PipelineSpec.Split split;
  private final int bucketBits;
  private final boolean unitsAlways;
  private final Grain grain;

  private StratifiedSplit(PipelineSpec.Split split, int bucketBits, boolean unitsAlways,
      Grain grain) {
    this.split = split;
    this.bucketBits = bucketBits;
    this.unitsAlways = unitsAlways;
    this.grain = grain;
  }

  public static StratifiedSplit of(PipelineSpec.Split split) {
    return new StratifiedSplit(split, BUCKET_BITS, false, Grain.FINE);
  }

  /**
   * Examples meet their bucket's plan at {@code newGrain}: {@value #BUCKET_BITS} bits of buckets
   * per stratum when {@link Grain#FINE} (the default), {@value #COARSE_BUCKET_BITS} when {@link
   * Grain#COARSE}; with {@code group_by}, units are combined and joined to their examples at it
   * too. The assignment is the same either way.
   */
  public StratifiedSplit withGrain(Grain newGrain) {
    return new StratifiedSplit(split,
        newGrain == Grain.FINE ? BUCKET_BITS : COARSE_BUCKET_BITS, unitsAlways, newGrain);
  }

  /** Fewer buckets, so that tests see many units share a boundary bucket. */
  StratifiedSplit withBucketBits(int bits) {
    if (bits < 0 || bits > 30) {
      throw new IllegalArgumentException("bucket bits must be in 0..30, got " + bits);
    }
    return new StratifiedSplit(split, bits, unitsAlways, grain);
  }

  /**
   * The unit path even without {@code group_by}, where examples are otherwise placed in their
   * buckets directly: tests hold the two to the same assignment.
   */
  StratifiedSplit withUnitsAlways() {
    return new StratifiedSplit(split, bucketBits, true, grain);
  }

  @Override
  public PCollection<Example> expand(PCollection<Example> examples) {
    Units units = new Units(split.seed(), split.stratifyBy(), split.groupBy(), bucketBits);
    if (examples.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      return examples
          .apply("AssignByThreshold", ParDo.of(new ThresholdFn(SplitAssigner.of(split), units)))
          .setCoder(ExampleCoder.of());
    }
    List<Double> ratios = List.copyOf(split.ratios().values());
    List<String> names = List.copyOf(split.ratios().keySet());
    if (units.groupBy().isEmpty() && !unitsAlways) {
      return examples.apply("AssignExactly", new ExactCountsByExample(units, ratios, names));
    }
    return examples.apply("AssignExactly", new ExactCounts(units, ratios, names, grain));
  }

  /** How an example maps to its unit, the unit's draw and bucket. */
  record Units(long seed, String stratifyBy, String groupBy, int bucketBits)
      implements java.io.Serializable {
    String keyOf(Example example) {
      String group = groupBy.isEmpty() ? null : example.lookupText(groupBy);
      // A missing or blank group value is no group: the example is placed by its own id.
      return group != null && !group.isBlank() ? "group:" + group : "id:" + example.id();
    }

    double draw(String unitKey) {
      return Hashes.unitInterval(seed, unitKey);
    }

    int bucket(String unitKey) {
      return (int) (draw(unitKey) * (1L << bucketBits));
    }
  }

  /** Hash-threshold mode: each example on its own, from the draw of its unit. */
  static final class ThresholdFn extends DoFn<Example, Example> {
    private final SplitAssigner assigner;
    private final Units units;

    ThresholdFn(SplitAssigner assigner, Units units) {
      this.assigner = assigner;
      this.units = units;
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<Example> out) {
      out.output(example.withSplit(assigner.assign(units.draw(units.keyOf(example)))));
    }
  }

  /**
   * The exact split's two shapes share the units, the ratios and the names of the splits, and how
   * a stratum's histogram of bucket weights becomes each bucket's plan.
   */
  abstract static class Exact extends PTransform<PCollection<Example>, PCollection<Example>> {
    final Units units;
    final List<Double> ratios;
    final List<String> names;

    Exact(Units units, List<Double> ratios, List<String> names) {
      this.units = units;
      this.ratios = ratios;
      this.names = names;
    }

    /**
     * Per (stratum, bucket), the examples ranked before the bucket and the stratum's cut points,
     * from what {@code bucketed} holds in each bucket (units or examples), each weighing {@code
     * weight} examples.
     */
    <V> PCollection<KV<KV<String, Integer>, KV<Long, List<Long>>>> plans(
        PCollection<KV<KV<String, Integer>, V>> bucketed, SerializableFunction<V, Long> weight) {
      return bucketed
          .apply("BucketWeights", MapElements
              .into(TypeDescriptors.kvs(
                  TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()),
                  TypeDescriptors.longs()))
              .via((KV<KV<String, Integer>, V> member) ->
                  KV.of(member.getKey(), weight.apply(member.getValue()))))
          .setCoder(KvCoder.of(BUCKET_KEY, VarLongCoder.of()))
          .apply("Histogram", Sum.longsPerKey())
          .apply("ByStratum", MapElements
              .into(TypeDescriptors.kvs(TypeDescriptors.strings(),
                  TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs())))
              .via((KV<KV<String, Integer>, Long> bucket) -> KV.of(bucket.getKey().getKey(),
                  KV.of(bucket.getKey().getValue(), bucket.getValue()))))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarIntCoder.of(), VarLongCoder.of())))
          .apply("StratumHistogram", GroupByKey.create())
          .apply("Plan", ParDo.of(new ExactCounts.PlanFn(ratios, names, units.seed())))
          .setCoder(KvCoder.of(BUCKET_KEY, KvCoder.of(VarLongCoder.of(), ListCoder.of(VarLongCoder.of()))));
    }
  }

  /**
   * Exact mode; needs bounded input (it counts each stratum before placing anything). Shuffles:
   * unit sizes (a combine), the bucket histogram (a combine), units by bucket, and the examples
   * joined to their unit's split.
   */
  static final class ExactCounts extends Exact {
    private static final TupleTag<KV<String, Example>> EXAMPLES = new TupleTag<>();
    private static final TupleTag<KV<String, String>> UNIT_SPLIT = new TupleTag<>();
    private static final TupleTag<KV<String, Long>> UNITS = new TupleTag<>();
    private static final TupleTag<KV<Long, List<Long>>> PLAN = new TupleTag<>();

    private final Grain grain;

    ExactCounts(Units units, List<Double> ratios, List<String> names, Grain grain) {
      super(units, ratios, names);
      this.grain = grain;
    }

    @Override
    public PCollection<Example> expand(PCollection<Example> examples) {
      KvCoder<String, Long> stringLong = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
      Units units = this.units;

      PCollection<KV<String, Example>> keyed = examples
          .apply("KeyByUnit", MapElements
              .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(Example.class)))
              .via((Example e) -> KV.of(units.keyOf(e), e)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), ExampleCoder.of()));
      // Unit key -> (stratum, examples in the unit).
      PCollection<KV<String, KV<String, Long>>> unitSizes = keyed
          .apply("UnitStratum", MapElements
              .into(TypeDescriptors.kvs(TypeDescriptors.strings(),
                  TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())))
              .via((KV<String, Example> kv) ->
                  KV.of(kv.getKey(), KV.of(kv.getValue().stratum(units.stratifyBy()), 1L))))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), stringLong))
          .apply("UnitSizes", CombineAtGrain.of(grain, ExactCounts::mergeUnits));
      // (stratum, bucket) -> (unit key, examples in the unit).
      PCollection<KV<KV<String, Integer>, KV<String, Long>>> bucketed = unitSizes
          .apply("ByBucket", MapElements
              .into(TypeDescriptors.kvs(
                  TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()),
                  TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())))
              .via((KV<String, KV<String, Long>> unit) -> KV.of(
                  KV.of(unit.getValue().getKey(), units.bucket(unit.getKey())),
                  KV.of(unit.getKey(), unit.getValue().getValue()))))
          .setCoder(KvCoder.of(BUCKET_KEY, stringLong));
      PCollection<KV<KV<String, Integer>, KV<Long, List<Long>>>> plans =
          plans(bucketed, (KV<String, Long> unit) -> unit.getValue());
      PCollection<KV<String, String>> unitSplits = KeyedPCollectionTuple.of(UNITS, bucketed)
          .and(PLAN, plans)
          .apply("UnitsWithPlan", CoGroupByKey.create())
          .apply("PlaceUnits", ParDo.of(new PlaceFn(units, names)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
      // Examples meet their unit's split by unit key, or at a coarse grain by a group of them.
      Grain grain = this.grain;
      PCollection<KV<String, KV<String, Example>>> grouped = keyed
          .apply("ExamplesToGroups", ParDo.of(new ToGroupFn<Example>(grain)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(),
              KvCoder.of(StringUtf8Coder.of(), ExampleCoder.of())));
      PCollection<KV<String, KV<String, String>>> groupedSplits = unitSplits
          .apply("SplitsToGroups", ParDo.of(new ToGroupFn<String>(grain)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(),
              KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
      return KeyedPCollectionTuple.of(EXAMPLES, grouped)
          .and(UNIT_SPLIT, groupedSplits)
          .apply("ExamplesWithSplit", CoGroupByKey.create())
          .apply("Assign", ParDo.of(new AssignFn()))
          .setCoder(ExampleCoder.of());
    }

    /** A unit's stratum is the smallest its examples name, its weight their count. */
    private static KV<String, Long> mergeUnits(KV<String, Long> a, KV<String, Long> b) {
      String stratum = a.getKey().compareTo(b.getKey()) <= 0 ? a.getKey() : b.getKey();
      return KV.of(stratum, a.getValue() + b.getValue());
    }

    /**
     * One stratum's histogram -> for each non-empty bucket, the examples ranked before it and the
     * stratum's cut points (cumulative split sizes).
     */
    static final class PlanFn
        extends DoFn<KV<String, Iterable<KV<Integer, Long>>>, KV<KV<String, Integer>, KV<Long, List<Long>>>> {
      private final List<Double> ratios;
      private final List<String> names;
      private final long seed;

      PlanFn(List<Double> ratios, List<String> names, long seed) {
        this.ratios = ratios;
        this.names = names;
        this.seed = seed;
      }

      @ProcessElement
      public void process(
          @Element KV<String, Iterable<KV<Integer, Long>>> stratum,
          OutputReceiver<KV<KV<String, Integer>, KV<Long, List<Long>>>> out) {
        List<KV<Integer, Long>> buckets = new ArrayList<>();
        stratum.getValue().forEach(buckets::add);
        buckets.sort(Comparator.comparing(KV::getKey));
        long total = buckets.stream().mapToLong(KV::getValue).sum();
        // Equal remainders (equal ratios) go to a different split in each stratum, drawn from the
        // seed, so that many small strata do not all favour the split named first.
        double[] ties = new double[names.size()];
        for (int i = 0; i < ties.length; i++) {
          ties[i] = Hashes.unitInterval(seed, "tie:" + stratum.getKey() + ":" + names.get(i));
        }
        List<Long> cuts = cuts(largestRemainder(ratios, total, ties));
        long before = 0;
        for (KV<Integer, Long> bucket : buckets) {
          out.output(KV.of(KV.of(stratum.getKey(), bucket.getKey()), KV.of(before, cuts)));
          before += bucket.getValue();
        }
      }
    }

    /** Places the units of one bucket on the cut points, in order of their draw. */
    static final class PlaceFn extends DoFn<KV<KV<String, Integer>, CoGbkResult>, KV<String, String>> {
      private final Units units;
      private final List<String> names;

      PlaceFn(Units units, List<String> names) {
        this.units = units;
        this.names = names;
      }

      @ProcessElement
      public void process(
          @Element KV<KV<String, Integer>, CoGbkResult> bucket, OutputReceiver<KV<String, String>> out) {
        KV<Long, List<Long>> plan = bucket.getValue().getOnly(PLAN);
        List<KV<Double, KV<String, Long>>> members = new ArrayList<>();
        for (KV<String, Long> unit : bucket.getValue().getAll(UNITS)) {
          members.add(KV.of(units.draw(unit.getKey()), unit));
        }
        members.sort(Comparator.<KV<Double, KV<String, Long>>, Double>comparing(KV::getKey)
            .thenComparing(member -> member.getValue().getKey()));
        long before = plan.getKey();
        for (KV<Double, KV<String, Long>> member : members) {
          KV<String, Long> unit = member.getValue();
          out.output(KV.of(unit.getKey(), names.get(splitAt(plan.getValue(), before, unit.getValue()))));
          before += unit.getValue();
        }
      }
    }

    /** Gives each example of the group's units its unit's split. */
    static final class AssignFn extends DoFn<KV<String, CoGbkResult>, Example> {
      @ProcessElement
      public void process(@Element KV<String, CoGbkResult> group, OutputReceiver<Example> out) {
        Map<String, String> splits = new HashMap<>();
        for (KV<String, String> unit : group.getValue().getAll(UNIT_SPLIT)) {
          splits.put(Grain.key(group.getKey(), unit.getKey()), unit.getValue());
        }
        for (KV<String, Example> member : group.getValue().getAll(EXAMPLES)) {
          out.output(member.getValue().withSplit(
              splits.get(Grain.key(group.getKey(), member.getKey()))));
        }
      }
    }
  }

  /**
   * Exact mode without {@code group_by}: each example is its own unit (examples that share an id
   * and a stratum are one unit of their count, as {@link ExactCounts} makes them; across strata
   * each stands alone), so its stratum and bucket are known from the example alone and the
   * examples go to their buckets directly. Shuffles: the bucket histogram (a combine) and the
   * examples joined to their bucket's plan; {@link ExactCounts} adds a combine of unit sizes and
   * the join of units to their splits, and sends each example through two shuffles, not one.
   */
  static final class ExactCountsByExample extends Exact {
    private static final TupleTag<Example> EXAMPLES = new TupleTag<>();
    private static final TupleTag<KV<Long, List<Long>>> PLAN = new TupleTag<>();

    ExactCountsByExample(Units units, List<Double> ratios, List<String> names) {
      super(units, ratios, names);
    }

    @Override
    public PCollection<Example> expand(PCollection<Example> examples) {
      Units units = this.units;
      PCollection<KV<KV<String, Integer>, Example>> bucketed = examples
          .apply("KeyByBucket", MapElements
              .into(TypeDescriptors.kvs(
                  TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()),
                  TypeDescriptor.of(Example.class)))
              .via((Example e) -> KV.of(
                  KV.of(e.stratum(units.stratifyBy()), units.bucket(units.keyOf(e))), e)))
          .setCoder(KvCoder.of(BUCKET_KEY, ExampleCoder.of()));
      PCollection<KV<KV<String, Integer>, KV<Long, List<Long>>>> plans =
          plans(bucketed, (Example example) -> 1L);
      return KeyedPCollectionTuple.of(EXAMPLES, bucketed)
          .and(PLAN, plans)
          .apply("ExamplesWithPlan", CoGroupByKey.create())
          .apply("PlaceExamples", ParDo.of(new PlaceExamplesFn(units, names)))
          .setCoder(ExampleCoder.of());
    }

    /**
     * Places the examples of one bucket on the cut points in order of their draw, as {@link
     * ExactCounts.PlaceFn} places units: examples with the same unit key (the same id) together,
     * as one unit of their count.
     */
    static final class PlaceExamplesFn extends DoFn<KV<KV<String, Integer>, CoGbkResult>, Example> {
      private final Units units;
      private final List<String> names;

      PlaceExamplesFn(Units units, List<String> names) {
        this.units = units;
        this.names = names;
      }

      @ProcessElement
      public void process(
          @Element KV<KV<String, Integer>, CoGbkResult> bucket, OutputReceiver<Example> out) {
        KV<Long, List<Long>> plan = bucket.getValue().getOnly(PLAN);
        List<KV<Double, KV<String, Example>>> members = new ArrayList<>();
        for (Example example : bucket.getValue().getAll(EXAMPLES)) {
          String key = units.keyOf(example);
          members.add(KV.of(units.draw(key), KV.of(key, example)));
        }
        members.sort(Comparator.<KV<Double, KV<String, Example>>, Double>comparing(KV::getKey)
            .thenComparing(member -> member.getValue().getKey()));
        long before = plan.getKey();
        int start = 0;
        while (start < members.size()) {
          String key = members.get(start).getValue().getKey();
          int end = start + 1;
          while (end < members.size() && members.get(end).getValue().getKey().equals(key)) {
            end++;
          }
          String split = names.get(splitAt(plan.getValue(), before, end - start));
          for (KV<Double, KV<String, Example>> member : members.subList(start, end)) {
            out.output(member.getValue().getValue().withSplit(split));
          }
          before += end - start;
          start = end;
        }
      }
    }
  }

  /**
   * Split sizes for {@code total} examples: each {@code floor(ratio x total)}, then one more for
   * the largest remainders (equal remainders in order of {@code ties}, smallest first) until they
   * sum to {@code total}. Each size is within one of {@code ratio x total}; a zero ratio gets
   * nothing.
   */
  static long[] largestRemainder(List<Double> ratios, long total, double[] ties) {
    int n = ratios.size();
    long[] sizes = new long[n];
    double[] remainders = new double[n];
    long assigned = 0;
    for (int i = 0; i < n; i++) {
      double exact = ratios.get(i) * total;
      sizes[i] = (long) Math.floor(exact);
      remainders[i] = exact - sizes[i];
      assigned += sizes[i];
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (ratios.get(i) > 0) {
        order.add(i);
      }
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -remainders[i])
        .thenComparingDouble(i -> ties[i])
        .thenComparing(i -> i));
    // Ratios summing to 1 within rounding may leave more than one remainder round: go round again.
    for (int k = 0; assigned < total && !order.isEmpty(); k++) {
      sizes[order.get(k % order.size())]++;
      assigned++;
    }
    for (int k = order.size() - 1; assigned > total && k >= 0; k--) {
      int i = order.get(k);
      if (sizes[i] > 0) {
        sizes[i]--;
        assigned--;
      }
    }
    return sizes;
  }

  /** The cumulative sizes that end every split but the last. */
  static List<Long> cuts(long[] sizes) {
    List<Long> cuts = new ArrayList<>();
    long cumulative = 0;
    for (int i = 0; i < sizes.length - 1; i++) {
      cumulative += sizes[i];
      cuts.add(cumulative);
    }
    return cuts;
  }

  /**
   * The split of a unit of {@code weight} examples ranked after {@code before} others: the one
   * whose range holds the unit's midpoint. For a single example that is the split of its rank.
   */
  static int splitAt(List<Long> cuts, long before, long weight) {
    long midpointTwice = 2 * before + weight;
    int split = 0;
    for (long cut : cuts) {
      if (2 * cut <= midpointTwice) {
        split++;
      }
    }
    return split;
  }

  /** Places a draw on the cumulative ratios (hash-threshold mode). */
  record SplitAssigner(List<String> names, double[] upperBounds) implements java.io.Serializable {

    static SplitAssigner of(PipelineSpec.Split split) {
      List<String> names = List.copyOf(split.ratios().keySet());
      double[] bounds = new double[names.size()];
      double cumulative = 0;
      int i = 0;
      for (Map.Entry<String, Double> ratio : split.ratios().entrySet()) {
        cumulative += ratio.getValue();
        bounds[i++] = cumulative;
      }
      return new SplitAssigner(names, bounds);
    }

    String assign(double draw) {
      for (int i = 0; i < upperBounds.length; i++) {
        if (draw < upperBounds[i]) {
          return names.get(i);
        }
      }
      // Ratios summing to 1 within rounding can leave the top sliver: it belongs to the last
      // split with a non-zero ratio.
      for (int i = upperBounds.length - 1; i > 0; i--) {
        if (upperBounds[i] > upperBounds[i - 1]) {
          return names.get(i);
        }
      }
      return names.get(0);
    }
  }
}
