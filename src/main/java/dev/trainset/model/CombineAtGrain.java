package dev.trainset.model;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code Combine.perKey(fn)} at a {@link Grain}. At {@link Grain#FINE} it is exactly that. At
 * {@link Grain#COARSE} the keys of a group ({@link Grain#group}) share one accumulator, a map
 * from key to its value so far, and the result is the same one value per key: the DirectRunner
 * then carries a bundle per group out of the shuffle, not one per key.
 */
public final class CombineAtGrain<V>
    extends PTransform<PCollection<KV<String, V>>, PCollection<KV<String, V>>> {
  private final Grain grain;
  private final SerializableBiFunction<V, V, V> fn;

  private CombineAtGrain(Grain grain, SerializableBiFunction<V, V, V> fn) {
    this.grain = grain;
    this.fn = fn;
  }

  /** Merges the values of each key with {@code fn} (associative and commutative). */
  public static <V> CombineAtGrain<V> of(Grain grain, SerializableBiFunction<V, V, V> fn) {
    return new CombineAtGrain<>(grain, fn);
  }

  @Override
  public PCollection<KV<String, V>> expand(PCollection<KV<String, V>> input) {
    if (grain == Grain.FINE) {
      return input.apply("PerKey", Combine.perKey(fn));
    }
    KvCoder<String, V> coder = (KvCoder<String, V>) input.getCoder();
    // At the coarse grain a key's member is the whole key: the map is by key.
    return input
        .apply("ToGroups", ParDo.of(new ToGroupFn<V>(grain)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), coder))
        .apply("PerGroup", Combine.perKey(new ByKeyFn<>(fn, coder.getValueCoder())))
        .apply("FromGroups", ParDo.of(new FromGroupFn<V>()))
        .setCoder(coder);
  }

  static final class FromGroupFn<V> extends DoFn<KV<String, Map<String, V>>, KV<String, V>> {
    @ProcessElement
    public void process(@Element KV<String, Map<String, V>> group,
        OutputReceiver<KV<String, V>> out) {
      group.getValue().forEach((key, value) -> out.output(KV.of(key, value)));
    }
  }

  /** One group's keys, each with its values merged so far. */
  static final class ByKeyFn<V>
      extends Combine.CombineFn<KV<String, V>, Map<String, V>, Map<String, V>> {
    private final SerializableBiFunction<V, V, V> fn;
    private final Coder<V> valueCoder;

    ByKeyFn(SerializableBiFunction<V, V, V> fn, Coder<V> valueCoder) {
      this.fn = fn;
      this.valueCoder = valueCoder;
    }

    @Override
    public Map<String, V> createAccumulator() {
      return new TreeMap<>();
    }

    @Override
    public Map<String, V> addInput(Map<String, V> accumulator, KV<String, V> input) {
      accumulator.merge(input.getKey(), input.getValue(), fn);
      return accumulator;
    }

    @Override
    public Map<String, V> mergeAccumulators(Iterable<Map<String, V>> accumulators) {
      Map<String, V> merged = new TreeMap<>();
      for (Map<String, V> accumulator : accumulators) {
        accumulator.forEach((key, value) -> merged.merge(key, value, fn));
      }
      return merged;
    }

    @Override
    public Map<String, V> extractOutput(Map<String, V> accumulator) {
      return accumulator;
    }

    @Override
    public Coder<Map<String, V>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<String, V>> inputCoder)
        throws CannotProvideCoderException {
      return MapCoder.of(StringUtf8Coder.of(), valueCoder);
    }

    @Override
    public Coder<Map<String, V>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<String, V>> inputCoder) {
      return MapCoder.of(StringUtf8Coder.of(), valueCoder);
    }
  }
}
