package dev.trainset.quality;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The candidates step of {@link NearDedup}: per bucket (band key), the {@value #BUCKET_SAMPLE}
 * smallest document keys, found by a combine; every pair among them is a candidate, and in a
 * bucket with more members each other member is paired with those smallest ones. So a group of
 * near-copies, however large, is compared with its smallest members, and no bucket is held whole.
 */
final class CandidatePairs {
  /** How many of a bucket's smallest members every other member is compared with. */
  static final int BUCKET_SAMPLE = 16;

  private CandidatePairs() {}

  /**
   * The candidate pairs of {@code bands} (band key, document key), keyed by the larger document
   * and valued by the smaller. Its transforms are applied where NearDedup stands, as its steps.
   */
  static PCollection<KV<String, String>> of(PCollection<KV<Long, String>> bands) {
    KvCoder<String, String> pairCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
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
    return PCollectionList.of(withinSmallest).and(withCrowded)
        .apply("Candidates", Flatten.pCollections());
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
}
