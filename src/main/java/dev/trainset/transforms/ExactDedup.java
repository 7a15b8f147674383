package dev.trainset.transforms;

import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Example;
import dev.trainset.model.Hashes;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import java.text.Normalizer;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
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
 * Keeps one document per normalized content ({@link #contentKey}) and refuses the others as
 * {@code duplicate}, naming
 * the survivor. The survivor is the smallest (id, origin) of its group, so every runner and every
 * run keeps the same one.
 *
 * <p>The survivor is found by a combine (only ids cross the shuffle), then joined back to the
 * documents, so no worker holds more than one group's documents and no group is iterated twice.
 * On unbounded input, duplicates are found within each window.
 */
final class ExactDedup extends PTransform<PCollection<Document>, PCollectionTuple> {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final TupleTag<Document> DOCUMENTS = new TupleTag<>();
  private static final TupleTag<KV<String, String>> SURVIVORS = new TupleTag<>();

  private final FieldMapping mapping;

  ExactDedup(FieldMapping mapping) {
    this.mapping = mapping;
  }

  /** Content as dedup compares it: NFKC, lower case, runs of white space as one space. */
  static String normalize(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return WHITESPACE.matcher(folded).replaceAll(" ").trim();
  }

  /**
   * What two examples must share to be duplicates: each part normalized on its own and labelled
   * (system, instruction, input, output, each turn's role, text), so that text moving from one
   * part or turn to another makes a different example.
   */
  static String contentKey(Example example) {
    StringBuilder key = new StringBuilder();
    // Control characters that normalization neither folds nor drops keep the parts apart.
    parts(example, (label, text) -> key.append(label).append('\u0001').append(text).append('\u0002'));
    return key.toString();
  }

  /** Hands each present part of the example to {@code part} as (label, normalized text), in order. */
  static void parts(Example example, BiConsumer<String, String> part) {
    part(part, "system", example.system());
    switch (example.style()) {
      case INSTRUCTION -> {
        part(part, "instruction", example.instruction());
        part(part, "input", example.input());
        part(part, "output", example.output());
      }
      case CHAT -> example.messages().forEach(turn -> part(part, turn.role(), turn.content()));
      case TEXT -> part(part, "text", example.text());
    }
  }

  private static void part(BiConsumer<String, String> part, String label, @Nullable String text) {
    if (text != null) {
      part.accept(label, normalize(text));
    }
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
      String content = example != null ? contentKey(example) : normalize(document.fields().toString());
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
          out.get(Rejected.TAG).output(Rejections.of(document, FilterQuality.STAGE, "duplicate",
              "duplicate of " + survivor.getKey() + " (" + survivor.getValue() + ")"));
        }
      }
    }
  }
}
