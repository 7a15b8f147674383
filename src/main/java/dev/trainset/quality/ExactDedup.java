package dev.trainset.quality;

import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Content;
import dev.trainset.model.Example;
import dev.trainset.model.Hashes;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Keeps one document per normalized content ({@link Content#key}) and refuses the others as
 * {@code duplicate}, naming
 * the survivor. The survivor is the smallest (id, origin) of its group, so every runner and every
 * run keeps the same one.
 *
 * <p>The survivor is found by a combine (only ids cross the shuffle), then joined back to the
 * documents, so no worker holds more than one group's documents and no group is iterated twice.
 * On unbounded input, duplicates are found within each window.
 */
final class ExactDedup extends PTransform<PCollection<Document>, PCollectionTuple> {
  private static final TupleTag<Document> DOCUMENTS = new TupleTag<>();
  private static final TupleTag<KV<String, String>> SURVIVORS = new TupleTag<>();

  private final FieldMapping mapping;

  ExactDedup(FieldMapping mapping) {
    this.mapping = mapping;
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    PCollection<KV<String, Document>> keyed =
        documents
            .apply("KeyByContent", ParDo.of(new KeyByContentFn(mapping)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DocumentCoder.of()));
    PCollection<KV<String, KV<String, String>>> survivors =
        keyed
            .apply(
                "IdAndOrigin",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(),
                            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings())))
                    .via(kv -> KV.of(kv.getKey(), KV.of(kv.getValue().id(), kv.getValue().origin()))))
            .apply("Survivor", Combine.perKey(ExactDedup::smaller));
    PCollectionTuple split =
        KeyedPCollectionTuple.of(SURVIVORS, survivors)
            .and(DOCUMENTS, keyed)
            .apply("Join", CoGroupByKey.create())
            .apply(
                "KeepSurvivor",
                ParDo.of(new KeepSurvivorFn())
                    .withOutputTags(FilterQuality.KEPT, TupleTagList.of(Rejected.TAG)));
    split.get(FilterQuality.KEPT).setCoder(DocumentCoder.of());
    split.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return split;
  }

  private static KV<String, String> smaller(KV<String, String> a, KV<String, String> b) {
    int byId = a.getKey().compareTo(b.getKey());
    if (byId != 0) {
      return byId < 0 ? a : b;
    }
    return a.getValue().compareTo(b.getValue()) <= 0 ? a : b;
  }

  /** Keys a document by a hash of its normalized full text (fields kept apart by a separator). */
  static final class KeyByContentFn extends DoFn<Document, KV<String, Document>> {
    private final FieldMapping mapping;

    KeyByContentFn(FieldMapping mapping) {
      this.mapping = mapping;
    }

    @ProcessElement
    public void process(@Element Document document, OutputReceiver<KV<String, Document>> out) {
      FieldMapping.Mapped mapped = mapping.map(document);
      Example example = mapped.example();
      // CheckFn ran first, so every document maps; the raw record is the fallback all the same.
      String content = example != null ? Content.key(example) : Content.normalize(document.fields().toString());
      out.output(KV.of(Hashes.sha256Hex(content, 32), document));
    }
  }

  /** Passes the survivor of each content group and refuses the rest. */
  static final class KeepSurvivorFn extends DoFn<KV<String, CoGbkResult>, Document> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> group, MultiOutputReceiver out) {
      KV<String, String> survivor = group.getValue().getOnly(SURVIVORS);
      boolean kept = false;
      for (Document document : group.getValue().getAll(DOCUMENTS)) {
        // The same file matched by two globs yields the same (id, origin) twice: keep one.
        if (!kept
            && document.id().equals(survivor.getKey())
            && document.origin().equals(survivor.getValue())) {
          kept = true;
          out.get(FilterQuality.KEPT).output(document);
        } else {
          out.get(Rejected.TAG).output(Rejections.of(document, Stage.QUALITY, Reason.DUPLICATE,
              "duplicate of " + survivor.getKey() + " (" + survivor.getValue() + ")"));
        }
      }
    }
  }
}
