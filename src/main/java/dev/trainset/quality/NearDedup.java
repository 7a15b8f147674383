package dev.trainset.quality;

import dev.trainset.model.Content;
import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Example;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Refuses near-duplicates as {@code near_duplicate}: documents whose word shingles have a Jaccard
 * similarity of at least {@code near_threshold} with a document that sorts before them.
 *
 * <p>How, without gathering the corpus anywhere:
 *
 * <ol>
 *   <li><b>Sketch</b>: each document's shingle set and its LSH band keys ({@link MinHashLsh}).
 *   <li><b>Candidates</b>: per bucket (band key), the {@value #BUCKET_SAMPLE} smallest document
 *       keys, found by a combine; every pair among them is a candidate, and in a bucket with more
 *       members each other member is paired with those smallest ones. So a group of near-copies,
 *       however large, is compared with its smallest members, and no bucket is held whole.
 *   <li><b>Verify</b>: two joins bring both shingle sets of a candidate pair together; the pair
 *       stands when their exact Jaccard similarity reaches the threshold.
 *   <li><b>Cluster</b>: each document with verified pairs to smaller documents points at the
 *       smallest of them. Following the pointers ends at a document that points nowhere: the
 *       survivor of the cluster, kept; everything pointing to it is refused naming it. Pointer
 *       jumping ({@value #JUMP_ROUNDS} rounds) resolves chains up to 2^{@value #JUMP_ROUNDS}
 *       long; a longer chain stops at the document reached, counted by {@code
 *       trainset.near_dedup.long_chains}.
 *   <li><b>Verdict</b>: the documents joined with their survivor, if any.
 * </ol>
 *
 * <p>A document's key is its (id, origin), the order ExactDedup uses, so survivors are the same
 * on every runner and every run. Run after exact dedup, which leaves keys unique. On unbounded
 * input, each step works within a window.
 */
final class NearDedup extends PTransform<PCollection<Document>, PCollectionTuple> {
  /** How many of a bucket's smallest members every other member is compared with. */
  static final int BUCKET_SAMPLE = 16;

  static final int JUMP_ROUNDS = 5;

  private static final TupleTag<KV<Long, String>> BANDS = new TupleTag<>() {};
  private static final TupleTag<KV<String, int[]>> SHINGLE_SETS = new TupleTag<>() {};
  private static final TupleTag<int[]> SHINGLES = new TupleTag<>() {};
  private static final TupleTag<String> CANDIDATES = new TupleTag<>() {};
  private static final TupleTag<KV<String, int[]>> PROBES = new TupleTag<>() {};
  private static final TupleTag<Document> DOCUMENTS = new TupleTag<>() {};
  private static final TupleTag<String> SURVIVOR = new TupleTag<>() {};
  private static final TupleTag<KV<String, Double>> NEAREST = new TupleTag<>() {};

  private final FieldMapping mapping;
  private final MinHashLsh lsh;

  NearDedup(FieldMapping mapping, double threshold) {
    this.mapping = mapping;
    this.lsh = MinHashLsh.forThreshold(threshold);
  }

  /** A document's key: id, then origin; U+0000 sorts first, so string order is (id, origin). */
  static String keyOf(Document document) {
    return document.id() + '\u0000' + document.origin();
  }

  /** How a key reads in a rejection's detail: {@code id (origin)}. */
  static String describe(String key) {
    int cut = key.lastIndexOf('\u0000');
    return key.substring(0, cut) + " (" + key.substring(cut + 1) + ")";
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    KvCoder<String, String> pairCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, Document>> keyed =
        documents
            .apply("KeyById", WithKeys.of(NearDedup::keyOf).withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentCoder.of()));

    PCollectionTuple sketched =
        keyed.apply("Sketch", ParDo.of(new SketchFn(mapping, lsh))
            .withOutputTags(BANDS, TupleTagList.of(SHINGLE_SETS)));
    PCollection<KV<Long, String>> bands =
        sketched.get(BANDS).setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()));
    PCollection<KV<String, int[]>> shingles =
        sketched.get(SHINGLE_SETS).setCoder(KvCoder.of(StringUtf8Coder.of(), ShinglesCoder.INSTANCE));

    // Candidates: pairs within each bucket's smallest members, and each other member of a
    // crowded bucket with those. Keyed by the larger document, valued by the smaller.
    PCollection<KV<Long, List<String>>> smallest =
        bands
            .apply("SmallestPerBucket", Top.smallestPerKey(BUCKET_SAMPLE + 1))
            .setCoder(KvCoder.of(VarLongCoder.of(), ListCoder.of(StringUtf8Coder.of())));
    PCollectionView<Map<Long, List<String>>> crowded =
        smallest
            .apply("Crowded", Filter.by(bucket -> bucket.getValue().size() > BUCKET_SAMPLE))
            .apply("CrowdedView", View.asMap());
    PCollection<KV<String, String>> withinSmallest =
        smallest.apply("PairSmallest", ParDo.of(new PairSmallestFn())).setCoder(pairCoder);
    PCollection<KV<String, String>> withCrowded =
        bands
            .apply("PairCrowded", ParDo.of(new PairCrowdedFn(crowded)).withSideInputs(crowded))
            .setCoder(pairCoder);
    PCollection<KV<String, String>> candidates =
        PCollectionList.of(withinSmallest).and(withCrowded)
            .apply("Candidates", Flatten.pCollections());

    // Verify: the larger document's shingles travel to the smaller one, where both meet.
    PCollection<KV<String, KV<String, int[]>>> probes =
        KeyedPCollectionTuple.of(SHINGLES, shingles)
            .and(CANDIDATES, candidates)
            .apply("JoinLarger", CoGroupByKey.create())
            .apply("SendShingles", ParDo.of(new SendShinglesFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(),
                KvCoder.of(StringUtf8Coder.of(), ShinglesCoder.INSTANCE)));
    PCollection<KV<String, KV<String, Double>>> nearest =
        KeyedPCollectionTuple.of(SHINGLES, shingles)
            .and(PROBES, probes)
            .apply("JoinSmaller", CoGroupByKey.create())
            .apply("Verify", ParDo.of(new VerifyFn(lsh.threshold())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(),
                KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of())))
            .apply("Nearest", Combine.perKey(NearDedup::nearer));

    // Cluster: pointer jumping from each document to the one it points at, up to the survivor.
    PCollection<KV<String, String>> survivors =
        nearest
            .apply("Pointers", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((KV<String, KV<String, Double>> kv) -> KV.of(kv.getKey(), kv.getValue().getKey())))
            .setCoder(pairCoder);
    for (int round = 1; round <= JUMP_ROUNDS; round++) {
      survivors = survivors.apply("Jump" + round, new Jump(round == JUMP_ROUNDS));
    }

    PCollectionTuple verdict =
        KeyedPCollectionTuple.of(DOCUMENTS, keyed)
            .and(SURVIVOR, survivors)
            .and(NEAREST, nearest)
            .apply("JoinVerdict", CoGroupByKey.create())
            .apply("Verdict", ParDo.of(new VerdictFn())
                .withOutputTags(FilterQuality.KEPT, TupleTagList.of(Rejected.TAG)));
    verdict.get(FilterQuality.KEPT).setCoder(DocumentCoder.of());
    verdict.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return verdict;
  }

  /** The smaller document of two verified neighbours: the one a document points at. */
  private static KV<String, Double> nearer(KV<String, Double> a, KV<String, Double> b) {
    return a.getKey().compareTo(b.getKey()) <= 0 ? a : b;
  }

  /** Shingles a document and emits its band keys and its shingle set. */
  static final class SketchFn extends DoFn<KV<String, Document>, KV<Long, String>> {
    private final FieldMapping mapping;
    private final MinHashLsh lsh;

    SketchFn(FieldMapping mapping, MinHashLsh lsh) {
      this.mapping = mapping;
      this.lsh = lsh;
    }

    @ProcessElement
    public void process(@Element KV<String, Document> keyed, MultiOutputReceiver out) {
      Example example = mapping.map(keyed.getValue()).example();
      List<String> parts = new ArrayList<>();
      if (example != null) {
        // The label is a word of its own, so text moved between parts changes the shingles.
        Content.parts(example, (label, text) -> parts.add("\u0001" + label + " " + text));
      } else {
        // CheckFn ran first, so every document maps; the raw record is the fallback all the same.
        parts.add(Content.normalize(keyed.getValue().fields().toString()));
      }
      int[] shingles = MinHashLsh.shingles(parts);
      for (long band : lsh.bandKeys(shingles)) {
        out.get(BANDS).output(KV.of(band, keyed.getKey()));
      }
      out.get(SHINGLE_SETS).output(KV.of(keyed.getKey(), shingles));
    }
  }

  /** Every pair among a bucket's smallest members, as (larger, smaller). */
  static final class PairSmallestFn extends DoFn<KV<Long, List<String>>, KV<String, String>> {
    @ProcessElement
    public void process(@Element KV<Long, List<String>> bucket, OutputReceiver<KV<String, String>> out) {
      List<String> members = bucket.getValue();
      // Top.smallestPerKey lists them in ascending order.
      for (int larger = 1; larger < members.size(); larger++) {
        for (int smaller = 0; smaller < larger; smaller++) {
          out.output(KV.of(members.get(larger), members.get(smaller)));
        }
      }
    }
  }

  /** Pairs each member of a crowded bucket beyond its smallest ones with those. */
  static final class PairCrowdedFn extends DoFn<KV<Long, String>, KV<String, String>> {
    private final PCollectionView<Map<Long, List<String>>> crowded;

    PairCrowdedFn(PCollectionView<Map<Long, List<String>>> crowded) {
      this.crowded = crowded;
    }

    @ProcessElement
    public void process(
        @Element KV<Long, String> member, ProcessContext context, OutputReceiver<KV<String, String>> out) {
      List<String> smallest = context.sideInput(crowded).get(member.getKey());
      if (smallest == null || smallest.contains(member.getValue())) {
        return;
      }
      for (String other : smallest) {
        out.output(KV.of(member.getValue(), other));
      }
    }
  }

  /** Sends the larger document's shingles once to each smaller candidate. */
  static final class SendShinglesFn extends DoFn<KV<String, CoGbkResult>, KV<String, KV<String, int[]>>> {
    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> group, OutputReceiver<KV<String, KV<String, int[]>>> out) {
      int[] shingles = group.getValue().getOnly(SHINGLES, null);
      if (shingles == null) {
        return;
      }
      // A pair found in several bands arrives several times: compare it once.
      TreeSet<String> smaller = new TreeSet<>();
      group.getValue().getAll(CANDIDATES).forEach(smaller::add);
      for (String other : smaller) {
        out.output(KV.of(other, KV.of(group.getKey(), shingles)));
      }
    }
  }

  /** Keeps the candidate pairs whose Jaccard similarity reaches the threshold. */
  static final class VerifyFn extends DoFn<KV<String, CoGbkResult>, KV<String, KV<String, Double>>> {
    private final Counter compared = Metrics.counter("trainset.near_dedup", "pairs_compared");
    private final Counter similar = Metrics.counter("trainset.near_dedup", "pairs_similar");
    private final double threshold;

    VerifyFn(double threshold) {
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(
        @Element KV<String, CoGbkResult> group, OutputReceiver<KV<String, KV<String, Double>>> out) {
      int[] shingles = group.getValue().getOnly(SHINGLES, null);
      if (shingles == null) {
        return;
      }
      for (KV<String, int[]> probe : group.getValue().getAll(PROBES)) {
        compared.inc();
        double similarity = MinHashLsh.jaccard(shingles, probe.getValue());
        if (similarity >= threshold) {
          similar.inc();
          out.output(KV.of(probe.getKey(), KV.of(group.getKey(), similarity)));
        }
      }
    }
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

  /** Keeps a document that points nowhere; refuses the others, naming their survivor. */
  static final class VerdictFn extends DoFn<KV<String, CoGbkResult>, Document> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> group, MultiOutputReceiver out) {
      String survivor = group.getValue().getOnly(SURVIVOR, null);
      KV<String, Double> nearest = group.getValue().getOnly(NEAREST, null);
      for (Document document : group.getValue().getAll(DOCUMENTS)) {
        if (survivor == null || nearest == null) {
          out.get(FilterQuality.KEPT).output(document);
          continue;
        }
        String detail = "near duplicate of " + describe(survivor) + ": similarity "
            + String.format(Locale.ROOT, "%.3f", nearest.getValue())
            + (nearest.getKey().equals(survivor) ? "" : " to " + describe(nearest.getKey()));
        out.get(Rejected.TAG).output(
            Rejections.of(document, Stage.QUALITY, Reason.NEAR_DUPLICATE, detail));
      }
    }
  }

  /** Shingle sets: a count, then the 32-bit hashes. Deterministic, as a grouping key's must be. */
  static final class ShinglesCoder extends AtomicCoder<int[]> {
    static final ShinglesCoder INSTANCE = new ShinglesCoder();

    @Override
    public void encode(int[] value, OutputStream out) throws IOException {
      VarInt.encode(value.length, out);
      DataOutputStream data = new DataOutputStream(out);
      for (int hash : value) {
        data.writeInt(hash);
      }
      data.flush();
    }

    @Override
    public int[] decode(InputStream in) throws IOException {
      int[] value = new int[VarInt.decodeInt(in)];
      DataInputStream data = new DataInputStream(in);
      for (int i = 0; i < value.length; i++) {
        value[i] = data.readInt();
      }
      return value;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
