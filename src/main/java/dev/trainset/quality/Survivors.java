package dev.trainset.quality;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The cluster step of {@link NearDedup}: each document with verified pairs to smaller documents
 * points at the smallest of them. Following the pointers ends at a document that points nowhere:
 * the survivor of the cluster. Pointer jumping ({@value #JUMP_ROUNDS} rounds) resolves chains up
 * to 2^{@value #JUMP_ROUNDS} long; a longer chain stops at the document reached, counted by
 * {@code trainset.near_dedup.long_chains}.
 */
final class Survivors {
  static final int JUMP_ROUNDS = 5;

  private Survivors() {}

  /**
   * Each document that has a smaller neighbour in {@code nearest} (document, (neighbour,
   * similarity)), with the survivor of its cluster. Its transforms are applied where NearDedup
   * stands, as its steps.
   */
  static PCollection<KV<String, String>> of(PCollection<KV<String, KV<String, Double>>> nearest) {
    PCollection<KV<String, String>> survivors =
        nearest
            .apply("Pointers", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((KV<String, KV<String, Double>> kv) -> KV.of(kv.getKey(), kv.getValue().getKey())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    for (int round = 1; round <= JUMP_ROUNDS; round++) {
      survivors = survivors.apply("Jump" + round, new Jump(round == JUMP_ROUNDS));
    }
    return survivors;
  }

  /**
   * One round of pointer jumping over (document, pointed-at) pairs: a document's pointer moves
   * to where its target points, or stays when the target points nowhere (a survivor).
   */
  static final class Jump extends PTransform<PCollection<KV<String, String>>, PCollection<KV<String, String>>> {
    private static final TupleTag<String> OWN = new TupleTag<>() {};
    private static final TupleTag<String> POINTING = new TupleTag<>() {};
    private final boolean last;

    Jump(boolean last) {
      this.last = last;
    }

    @Override
    public PCollection<KV<String, String>> expand(PCollection<KV<String, String>> pointers) {
      PCollection<KV<String, String>> byTarget =
          pointers
              .apply("ByTarget", MapElements
                  .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                  .via((KV<String, String> kv) -> KV.of(kv.getValue(), kv.getKey())))
              .setCoder(pointers.getCoder());
      return KeyedPCollectionTuple.of(OWN, pointers)
          .and(POINTING, byTarget)
          .apply("Join", CoGroupByKey.create())
          .apply("Move", ParDo.of(new MoveFn(last)))
          .setCoder(pointers.getCoder());
    }

    static final class MoveFn extends DoFn<KV<String, CoGbkResult>, KV<String, String>> {
      private final Counter longChains = Metrics.counter("trainset.near_dedup", "long_chains");
      private final boolean last;

      MoveFn(boolean last) {
        this.last = last;
      }

      @ProcessElement
      public void process(@Element KV<String, CoGbkResult> group, OutputReceiver<KV<String, String>> out) {
        String target = group.getKey();
        String onward = group.getValue().getOnly(OWN, null);
        for (String document : group.getValue().getAll(POINTING)) {
          if (onward != null && last) {
            // After the last round this pointer may still not reach the survivor.
            longChains.inc();
          }
          out.output(KV.of(document, onward != null ? onward : target));
        }
      }
    }
  }
}
