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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Refuses near-duplicates as {@code near_duplicate}: documents whose word shingles have a Jaccard
 * similarity of at least {@code near_threshold} with a document that sorts before them.
 *
 * <p>How, without gathering the corpus anywhere:
 *
 * <ol>
 *   <li><b>Sketch</b>: each document's shingle set and its LSH band keys ({@link MinHashLsh}).
 *   <li><b>Candidates</b> ({@link CandidatePairs}): per bucket (band key), the {@value
 *       CandidatePairs#BUCKET_SAMPLE} smallest document keys, found by a combine; every pair among
 *       them is a candidate, and in a bucket with more members each other member is paired with
 *       those smallest ones. So a group of near-copies, however large, is compared with its
 *       smallest members, and no bucket is held whole.
 *   <li><b>Verify</b>: two joins bring both shingle sets of a candidate pair together; the pair
 *       stands when their exact Jaccard similarity reaches the threshold.
 *   <li><b>Cluster</b> ({@link Survivors}): each document with verified pairs to smaller
 *       documents points at the smallest of them. Following the pointers ends at a document that
 *       points nowhere: the survivor of the cluster, kept; everything pointing to it is refused
 *       naming it. Pointer jumping ({@value Survivors#JUMP_ROUNDS} rounds) resolves chains up to
 *       2^{@value Survivors#JUMP_ROUNDS} long; a longer chain stops at the document reached,
 *       counted by {@code trainset.near_dedup.long_chains}.
 *   <li><b>Verdict</b>: the documents joined with their survivor, if any.
 * </ol>
 *
 * <p>A document's key is its (id, origin), the order ExactDedup uses, so survivors are the same
 * on every runner and every run. Run after exact dedup, which leaves keys unique. On unbounded
 * input, each step works within a window.
 */
final class NearDedup extends PTransform<PCollection<Document>, PCollectionTuple> {
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

  /**
   * The survivor a {@code near_duplicate} rejection's detail names, {@code id (origin)}: the
   * cluster the refused document belongs to, for the report.
   */
  static String survivorOf(String detail) {
    int start = DETAIL_PREFIX.length();
    int end = detail.indexOf(DETAIL_SIMILARITY, start);
    return detail.startsWith(DETAIL_PREFIX) && end >= start ? detail.substring(start, end) : detail;
  }

  private static final String DETAIL_PREFIX = "near duplicate of ";
  private static final String DETAIL_SIMILARITY = ": similarity ";

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
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

    PCollection<KV<String, String>> candidates = CandidatePairs.of(bands);
    PCollection<KV<String, KV<String, Double>>> nearest = verify(shingles, candidates);
    PCollection<KV<String, String>> survivors = Survivors.of(nearest);
    return verdict(keyed, survivors, nearest);
  }

  /**
   * Each document's nearest smaller neighbour among its candidates, with their similarity. The
   * larger document's shingles travel to the smaller one, where both meet.
   */
  private PCollection<KV<String, KV<String, Double>>> verify(
      PCollection<KV<String, int[]>> shingles, PCollection<KV<String, String>> candidates) {
    PCollection<KV<String, KV<String, int[]>>> probes =
        KeyedPCollectionTuple.of(SHINGLES, shingles)
            .and(CANDIDATES, candidates)
            .apply("JoinLarger", CoGroupByKey.create())
            .apply("SendShingles", ParDo.of(new SendShinglesFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(),
                KvCoder.of(StringUtf8Coder.of(), ShinglesCoder.INSTANCE)));
    return KeyedPCollectionTuple.of(SHINGLES, shingles)
        .and(PROBES, probes)
        .apply("JoinSmaller", CoGroupByKey.create())
        .apply("Verify", ParDo.of(new VerifyFn(lsh.threshold())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(),
            KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of())))
        .apply("Nearest", Combine.perKey(NearDedup::nearer));
  }

  /** The documents joined with their survivor: kept when they have none, else refused. */
  private static PCollectionTuple verdict(
      PCollection<KV<String, Document>> keyed,
      PCollection<KV<String, String>> survivors,
      PCollection<KV<String, KV<String, Double>>> nearest) {
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
        String detail = DETAIL_PREFIX + describe(survivor) + DETAIL_SIMILARITY
            + String.format(Locale.ROOT, "%.3f", nearest.getValue())
            + (nearest.getKey().equals(survivor) ? "" : " to " + describe(nearest.getKey()));
        out.get(Rejected.TAG).output(
            Rejections.of(document, Stage.QUALITY, Reason.NEAR_DUPLICATE, detail));
      }
    }
  }
}
