package dev.trainset.split;

import dev.trainset.model.Content;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.CombineAtGrain;
import dev.trainset.model.Example;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Checks the splits for leakage between them: a {@code group_by} group in two splits, and
 * examples with the same normalized content ({@link ExactDedup#contentKey}) in different splits.
 * Emits one JSON line per check that found anything: {@code {"leakage": "groups"|"content",
 * "keys": n, "examples": n, "sample_ids": [...]}}, with the {@value #SAMPLES} smallest ids of
 * the examples involved; no line means no leak.
 *
 * <p>Each check is a combine per key (group value, content hash) of the splits seen, then a
 * global combine of the keys seen in two or more splits, so no worker holds more than a key's
 * summary ({@link Grain#COARSE}: a group of keys' summaries). Over unbounded input each window
 * is checked on its own, as each is its own export.
 */
public final class SplitLeakage extends PTransform<PCollection<Example>, PCollection<String>> {
  static final int SAMPLES = 10;

  /** (splits seen, (examples, smallest ids)): what is known of one key, or of all leaking keys. */
  private static final KvCoder<List<String>, KV<Long, List<String>>> SEEN =
      KvCoder.of(ListCoder.of(StringUtf8Coder.of()),
          KvCoder.of(VarLongCoder.of(), ListCoder.of(StringUtf8Coder.of())));

  private final String groupBy;
  private final Grain grain;

  private SplitLeakage(String groupBy, Grain grain) {
    this.groupBy = groupBy;
    this.grain = grain;
  }

  /** Checks content always, and groups of {@code groupBy} when it is not empty. */
  public static SplitLeakage of(String groupBy) {
    return new SplitLeakage(groupBy, Grain.FINE);
  }

  /** Combines the keys at {@code newGrain} ({@link Grain#FINE} by default). */
  public SplitLeakage withGrain(Grain newGrain) {
    return new SplitLeakage(groupBy, newGrain);
  }

  @Override
  public PCollection<String> expand(PCollection<Example> examples) {
    PCollectionList<String> lines =
        PCollectionList.of(leaks(examples, "content", new ByContentFn(), grain));
    if (!groupBy.isEmpty()) {
      lines = lines.and(leaks(examples, "groups", new ByGroupFn(groupBy), grain));
    }
    return lines.apply("Lines", Flatten.pCollections());
  }

  private static PCollection<String> leaks(PCollection<Example> examples, String kind,
      DoFn<Example, KV<String, KV<List<String>, KV<Long, List<String>>>>> key, Grain grain) {
    return examples
        .apply("By" + kind, ParDo.of(key))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SEEN))
        .apply("Seen" + kind, CombineAtGrain.of(grain, SplitLeakage::merge))
        .apply("Values" + kind, Values.create())
        .apply("InTwoSplits" + kind, Filter.by(seen -> seen.getKey().size() > 1))
        .apply("PerKey" + kind, MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.kvs(
                TypeDescriptors.longs(), TypeDescriptors.lists(TypeDescriptors.strings()))))
            .via((KV<List<String>, KV<Long, List<String>>> seen) -> KV.of(1L, seen.getValue())))
        .setCoder(KvCoder.of(VarLongCoder.of(), SEEN.getValueCoder()))
        .apply("All" + kind, Combine.globally(SplitLeakage::add).withoutDefaults())
        .apply("Line" + kind, MapElements.into(TypeDescriptors.strings())
            .via((KV<Long, KV<Long, List<String>>> all) -> line(kind, all)));
  }

  private static KV<List<String>, KV<Long, List<String>>> seen(Example example) {
    return KV.of(List.of(example.split()), KV.of(1L, List.of(example.id())));
  }

  private static KV<List<String>, KV<Long, List<String>>> merge(
      KV<List<String>, KV<Long, List<String>>> a, KV<List<String>, KV<Long, List<String>>> b) {
    TreeSet<String> splits = new TreeSet<>(a.getKey());
    splits.addAll(b.getKey());
    return KV.of(List.copyOf(splits), countAndSamples(a.getValue(), b.getValue()));
  }

  private static KV<Long, KV<Long, List<String>>> add(
      KV<Long, KV<Long, List<String>>> a, KV<Long, KV<Long, List<String>>> b) {
    return KV.of(a.getKey() + b.getKey(), countAndSamples(a.getValue(), b.getValue()));
  }

  private static KV<Long, List<String>> countAndSamples(
      KV<Long, List<String>> a, KV<Long, List<String>> b) {
    TreeSet<String> ids = new TreeSet<>(a.getValue());
    ids.addAll(b.getValue());
    return KV.of(a.getKey() + b.getKey(), ids.stream().limit(SAMPLES).toList());
  }

  private static String line(String kind, KV<Long, KV<Long, List<String>>> all) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("leakage", kind);
    line.put("keys", all.getKey());
    line.put("examples", all.getValue().getKey());
    ArrayNode ids = line.putArray("sample_ids");
    all.getValue().getValue().forEach(ids::add);
    return Json.write(line);
  }

  static final class ByContentFn extends DoFn<Example, KV<String, KV<List<String>, KV<Long, List<String>>>>> {
    @ProcessElement
    public void process(
        @Element Example example, OutputReceiver<KV<String, KV<List<String>, KV<Long, List<String>>>>> out) {
      out.output(KV.of(Hashes.sha256Hex(Content.key(example), 32), seen(example)));
    }
  }

  static final class ByGroupFn extends DoFn<Example, KV<String, KV<List<String>, KV<Long, List<String>>>>> {
    private final String groupBy;

    ByGroupFn(String groupBy) {
      this.groupBy = groupBy;
    }

    @ProcessElement
    public void process(
        @Element Example example, OutputReceiver<KV<String, KV<List<String>, KV<Long, List<String>>>>> out) {
      String group = example.lookupText(groupBy);
      // As StratifiedSplit: a missing or blank value is no group.
      if (group != null && !group.isBlank()) {
        out.output(KV.of(group, seen(example)));
      }
    }
  }
}
