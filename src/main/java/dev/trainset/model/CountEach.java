package dev.trainset.model;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * {@code Count.perElement()} for elements of few distinct values (destinations, shards, tally
 * keys): each bundle counts in a map and hands on one count per value and window, which a
 * {@code Sum} then adds up. Beam's {@code Count.perElement()} hands every element to the combine,
 * and a batch runner that combines by sorting (Flink's) then sorts every element of the input to
 * count a handful of values. Not for values that are mostly distinct (ids, content keys): the map
 * would hold a bundle's worth of them.
 *
 * <p>Bounded input only: on unbounded input every element goes to the {@code Sum} as a count of
 * one. A streaming runner may move the watermark past a window while a bundle still holds counts
 * of it (Flink's DoFnOperator does not finish the open bundle before it forwards a watermark);
 * handed on at the bundle's end, they would reach the {@code Sum} late and be dropped, and a
 * window's tally would lose them.
 */
public final class CountEach<T> extends PTransform<PCollection<T>, PCollection<KV<T, Long>>> {
  private CountEach() {}

  public static <T> CountEach<T> perElement() {
    return new CountEach<>();
  }

  @Override
  public PCollection<KV<T, Long>> expand(PCollection<T> elements) {
    KvCoder<T, Long> coder = KvCoder.of(elements.getCoder(), VarLongCoder.of());
    PCollection<KV<T, Long>> counted = elements.isBounded() == PCollection.IsBounded.BOUNDED
        ? elements.apply("CountInBundle", ParDo.of(new CountInBundleFn<>(elements.getCoder())))
        : elements.apply("CountOne", ParDo.of(new CountOneFn<>()));
    return counted
        .setCoder(coder)
        .apply("Sum", Sum.longsPerKey())
        .setCoder(coder);
  }

  /**
   * The counts of one bundle, per window and per value; values are told apart by the coder's
   * structural value, as a grouping tells them apart.
   */
  static final class CountInBundleFn<T> extends DoFn<T, KV<T, Long>> {
    private final Coder<T> coder;
    private transient Map<BoundedWindow, Map<Object, Counted<T>>> counts;

    CountInBundleFn(Coder<T> coder) {
      this.coder = coder;
    }

    @StartBundle
    public void start() {
      counts = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element T element, BoundedWindow window) {
      counts.computeIfAbsent(window, w -> new LinkedHashMap<>())
          .computeIfAbsent(coder.structuralValue(element), value -> new Counted<>(element))
          .count++;
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      counts.forEach((window, values) -> values.values().forEach(counted ->
          context.output(KV.of(counted.element, counted.count), window.maxTimestamp(), window)));
      counts = null;
    }
  }

  /** Each element as a count of one. */
  static final class CountOneFn<T> extends DoFn<T, KV<T, Long>> {
    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<T, Long>> out) {
      out.output(KV.of(element, 1L));
    }
  }

  private static final class Counted<T> {
    final T element;
    long count;

    Counted(T element) {
      this.element = element;
    }
  }
}
