package dev.trainset.quality;

import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Content;
import dev.trainset.model.Example;
import dev.trainset.model.CombineAtGrain;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import dev.trainset.model.ToGroupFn;
import dev.trainset.model.Windows;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.PCollectionList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.apache.beam.sdk.transforms.DoFn;
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
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Keeps one document per normalized content ({@link Content#key}) and refuses the others as
 * {@code duplicate}, naming
 * the survivor. The survivor is the smallest (id, origin) of its group, so every runner and every
 * run keeps the same one.
 *
 * <p>The survivor is found by a combine (only ids cross the shuffle), then joined back to the
 * documents, so no group is iterated twice. The join meets them by content at a {@link Grain}:
 * one group per content on Flink and Dataflow, so no worker holds more than one content's
 * documents; a few groups of many contents on the DirectRunner.
 * On unbounded input, duplicates are found within each window first, then each window's
 * survivors are checked against what earlier windows kept within {@code dedup_ttl}.
 */
final class ExactDedup extends PTransform<PCollection<Document>, PCollectionTuple> {
  private static final TupleTag<KV<String, Document>> DOCUMENTS = new TupleTag<>();
  private static final TupleTag<KV<String, KV<String, String>>> SURVIVORS = new TupleTag<>();

  private final FieldMapping mapping;
  private final Duration ttl;
  private final Grain grain;

  /**
   * Dedup by content, joining survivors to documents at {@code grain}; on unbounded input a
   * content is remembered across windows for {@code ttl}.
   */
  ExactDedup(FieldMapping mapping, java.time.Duration ttl, Grain grain) {
    this.mapping = mapping;
    this.ttl = Duration.millis(ttl.toMillis());
    this.grain = grain;
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    Grain grain = this.grain;
    // (group of the content, (the content within its group, document)).
    PCollection<KV<String, KV<String, Document>>> keyed =
        documents
            .apply("KeyByContent", ParDo.of(new KeyByContentFn(mapping, grain)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(),
                KvCoder.of(StringUtf8Coder.of(), DocumentCoder.of())));
    KvCoder<String, String> idAndOrigin = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, KV<String, KV<String, String>>>> survivors =
        keyed
            .apply("IdAndOrigin", ParDo.of(new IdAndOriginFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), idAndOrigin))
            .apply("Survivor", CombineAtGrain.of(grain, ExactDedup::smaller))
            .apply("SurvivorGroups", ParDo.of(new ToGroupFn<KV<String, String>>(grain)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(),
                KvCoder.of(StringUtf8Coder.of(), idAndOrigin)));
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
    if (documents.isBounded() == PCollection.IsBounded.BOUNDED) {
      return split;
    }
    return acrossWindows(split, documents.getWindowingStrategy().getWindowFn());
  }

  /**
   * Unbounded input: each window's survivors meet what earlier windows kept. A content seen in
   * an earlier window less than {@code ttl} before is a duplicate of that window's survivor. The
   * memory is per content in the global window, cleared by a timer when the ttl runs out; the
   * documents then go back to their windows (their time is their window's end, from the join).
   */
  private PCollectionTuple acrossWindows(PCollectionTuple perWindow, WindowFn<?, ?> windows) {
    PCollectionTuple remembered = perWindow.get(FilterQuality.KEPT)
        .apply("KeyWithWindow", ParDo.of(new KeyWithWindowFn(mapping)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(),
            KvCoder.of(StringUtf8Coder.of(), DocumentCoder.of())))
        .apply("AllWindows", Window.into(new GlobalWindows()))
        .apply("SeenBefore", ParDo.of(new SeenBeforeFn(ttl))
            .withOutputTags(FilterQuality.KEPT, TupleTagList.of(Rejected.TAG)));
    PCollection<Document> kept = remembered.get(FilterQuality.KEPT).setCoder(DocumentCoder.of())
        .apply("BackToWindows", ExactDedup.<Document>into(windows));
    PCollection<Rejected> later = remembered.get(Rejected.TAG).setCoder(RejectedCoder.of())
        .apply("LaterBackToWindows", ExactDedup.<Rejected>into(windows));
    PCollection<Rejected> rejected = PCollectionList.of(perWindow.get(Rejected.TAG)).and(later)
        .apply("AllDuplicates", Flatten.pCollections());
    return PCollectionTuple.of(FilterQuality.KEPT, kept).and(Rejected.TAG, rejected);
  }

  private static KV<String, String> smaller(KV<String, String> a, KV<String, String> b) {
    int byId = a.getKey().compareTo(b.getKey());
    if (byId != 0) {
      return byId < 0 ? a : b;
    }
    return a.getValue().compareTo(b.getValue()) <= 0 ? a : b;
  }

  /**
   * Keys a document by a hash of its normalized full text (fields kept apart by a separator),
   * split into the hash's group at the grain and the hash within it.
   */
  static final class KeyByContentFn extends DoFn<Document, KV<String, KV<String, Document>>> {
    private final FieldMapping mapping;
    private final Grain grain;

    KeyByContentFn(FieldMapping mapping, Grain grain) {
      this.mapping = mapping;
      this.grain = grain;
    }

    @ProcessElement
    public void process(@Element Document document,
        OutputReceiver<KV<String, KV<String, Document>>> out) {
      String content = key(document);
      out.output(KV.of(grain.group(content), KV.of(grain.member(content), document)));
    }

    String key(Document document) {
      FieldMapping.Mapped mapped = mapping.map(document);
      Example example = mapped.example();
      // CheckFn ran first, so every document maps; the raw record is the fallback all the same.
      String content = example != null ? Content.key(example) : Content.normalize(document.fields().toString());
      return Hashes.sha256Hex(content, 32);
    }
  }

  /** A document's content with its id and origin, the survivor's candidates. */
  static final class IdAndOriginFn
      extends DoFn<KV<String, KV<String, Document>>, KV<String, KV<String, String>>> {
    @ProcessElement
    public void process(@Element KV<String, KV<String, Document>> keyed,
        OutputReceiver<KV<String, KV<String, String>>> out) {
      Document document = keyed.getValue().getValue();
      out.output(KV.of(Grain.key(keyed.getKey(), keyed.getValue().getKey()),
          KV.of(document.id(), document.origin())));
    }
  }

  /** The windowing the input came in (a fixed-window WindowFn takes any element). */
  @SuppressWarnings("unchecked")
  private static <T> Window<T> into(WindowFn<?, ?> windows) {
    return Window.into((WindowFn<? super T, ?>) windows);
  }

  /** A window's survivor keyed by its content, with the window's export folder name. */
  static final class KeyWithWindowFn extends DoFn<Document, KV<String, KV<String, Document>>> {
    private final KeyByContentFn content;

    KeyWithWindowFn(FieldMapping mapping) {
      this.content = new KeyByContentFn(mapping, Grain.FINE);
    }

    @ProcessElement
    public void process(@Element Document document, BoundedWindow window,
        OutputReceiver<KV<String, KV<String, Document>>> out) {
      out.output(KV.of(content.key(document), KV.of(Windows.folder(window), document)));
    }
  }

  /**
   * Remembers, per content, the survivor of the first window that had it, until {@code ttl}
   * after that window's end; a later window's survivor of that content meanwhile is a duplicate.
   */
  static final class SeenBeforeFn extends DoFn<KV<String, KV<String, Document>>, Document> {
    private final Duration ttl;

    @StateId("survivor")
    private final StateSpec<ValueState<String>> survivorSpec = StateSpecs.value(StringUtf8Coder.of());

    @StateId("until")
    private final StateSpec<ValueState<Long>> untilSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("forget")
    private final TimerSpec forgetSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    SeenBeforeFn(Duration ttl) {
      this.ttl = ttl;
    }

    @ProcessElement
    public void process(@Element KV<String, KV<String, Document>> element,
        @Timestamp Instant time,
        @StateId("survivor") ValueState<String> survivor,
        @StateId("until") ValueState<Long> until,
        @TimerId("forget") Timer forget,
        MultiOutputReceiver out) {
      Document document = element.getValue().getValue();
      Long remembered = until.read();
      if (remembered != null && time.getMillis() < remembered) {
        out.get(Rejected.TAG).output(Rejections.of(document, Stage.QUALITY, Reason.DUPLICATE,
            "duplicate of " + survivor.read()));
        return;
      }
      survivor.write(document.id() + " (" + document.origin() + ") in "
          + element.getValue().getKey());
      long end = time.plus(ttl).getMillis();
      until.write(end);
      forget.set(new Instant(end));
      out.get(FilterQuality.KEPT).output(document);
    }

    @OnTimer("forget")
    public void onForget(OnTimerContext context,
        @StateId("survivor") ValueState<String> survivor,
        @StateId("until") ValueState<Long> until) {
      Long remembered = until.read();
      if (remembered != null && remembered <= context.timestamp().getMillis()) {
        survivor.clear();
        until.clear();
      }
    }
  }

  /** Passes the survivor of each content in the group and refuses the rest. */
  static final class KeepSurvivorFn extends DoFn<KV<String, CoGbkResult>, Document> {
    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> group, MultiOutputReceiver out) {
      Map<String, KV<String, String>> survivors = new HashMap<>();
      for (KV<String, KV<String, String>> survivor : group.getValue().getAll(SURVIVORS)) {
        survivors.put(Grain.key(group.getKey(), survivor.getKey()), survivor.getValue());
      }
      Set<String> kept = new HashSet<>();
      for (KV<String, Document> member : group.getValue().getAll(DOCUMENTS)) {
        String content = Grain.key(group.getKey(), member.getKey());
        KV<String, String> survivor = survivors.get(content);
        Document document = member.getValue();
        // The same file matched by two globs yields the same (id, origin) twice: keep one.
        if (document.id().equals(survivor.getKey())
            && document.origin().equals(survivor.getValue())
            && kept.add(content)) {
          out.get(FilterQuality.KEPT).output(document);
        } else {
          out.get(Rejected.TAG).output(Rejections.of(document, Stage.QUALITY, Reason.DUPLICATE,
              "duplicate of " + survivor.getKey() + " (" + survivor.getValue() + ")"));
        }
      }
    }
  }
}
