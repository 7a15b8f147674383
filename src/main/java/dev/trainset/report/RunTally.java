package dev.trainset.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.trainset.model.CountEach;
import dev.trainset.model.ExactMean;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.Tokenizer;
import dev.trainset.quality.FilterQuality;
import dev.trainset.write.JsonLines;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Counts what a run did, inside the pipeline, so the numbers of {@code stats.json} are exact on
 * every runner: each source is turned into tally keys ({@code [rejected, duplicate, quality]},
 * {@code [split, train]}, {@code [length, train, chars, 64.0]}, ...), the keys are counted, and
 * the counts and the first 100 errors become JSON lines for {@link RunStats} to read, with what
 * report.html shows beside the counts: the first rejected records of each reason and the largest
 * near-duplicate clusters ({@link ReportPage}). Its output is those lines, keyed by the file
 * prefix they go to, for the run's one write of its small files ({@link JsonLines}).
 *
 * <p>Every count is per window: a streaming run's tally is its window's (each window is its own
 * export), a batch run's the whole run's. The global combines give nothing for no input, so a
 * window without rejections has no error lines, as a batch run without any.
 */
public final class RunTally
    extends PTransform<PCollectionList<List<String>>, PCollection<KV<String, String>>> {
  static final int MAX_ERRORS = 100;

  private final String destination;
  private final PCollection<Rejected> rejected;
  private final @Nullable PCollection<Example> exported;
  private final boolean nearClusters;

  private RunTally(String destination, PCollection<Rejected> rejected,
      @Nullable PCollection<Example> exported, boolean nearClusters) {
    this.destination = destination;
    this.rejected = rejected;
    this.exported = exported;
    this.nearClusters = nearClusters;
  }

  /**
   * Counts the keys and keeps the first errors of {@code rejected}, as lines for the file prefix
   * {@code destination} ({@code _tally/tally}).
   */
  public static RunTally into(String destination, PCollection<Rejected> rejected) {
    return new RunTally(destination, rejected, null, false);
  }

  /**
   * Also describes the weights of the {@code exported} examples: their quartiles ({@link
   * WeightQuartiles}) and mean ({@link ExactMean}), both exact whatever the order of the input.
   */
  public RunTally withWeightsOf(PCollection<Example> exported) {
    return new RunTally(destination, rejected, exported, nearClusters);
  }

  /**
   * Also lists the largest near-duplicate clusters and counts them. Only near dedup refuses
   * {@code near_duplicate}, so a run without it leaves these steps out of its graph: they would
   * give nothing, and each is a shuffle of its own.
   */
  public RunTally withNearClusters() {
    return new RunTally(destination, rejected, exported, true);
  }

  /** Each tally line, keyed by the destination. */
  @Override
  public PCollection<KV<String, String>> expand(PCollectionList<List<String>> keys) {
    String to = destination;
    PCollection<String> counts =
        keys.apply("AllKeys", Flatten.pCollections())
            .setCoder(ListCoder.of(StringUtf8Coder.of()))
            .apply("Count", CountEach.perElement())
            .apply("CountLines", MapElements.into(TypeDescriptors.strings()).via(RunTally::countLine));
    PCollection<String> errors =
        rejected
            .apply("ErrorText", MapElements.into(TypeDescriptors.strings())
                .via((Rejected r) -> r.id() + ": " + r.reason()))
            .apply("FirstErrors", Top.<String>smallest(MAX_ERRORS).withoutDefaults())
            .apply("ErrorLines", ParDo.of(new ErrorLinesFn()));
    PCollectionList<String> lines = PCollectionList.of(counts).and(errors)
        .and(rejected
            .apply("SampleKeys", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((Rejected r) -> KV.of(r.reason(), sampleLine(r))))
            .apply("FirstOfEachReason", Top.smallestPerKey(MAX_SAMPLES))
            .apply("SampleLines", ParDo.of(new SampleLinesFn())));
    if (nearClusters) {
      lines = lines.and(nearClusters(rejected).getAll());
    }
    if (exported != null) {
      PCollection<Double> weights =
          exported.apply("Weights", MapElements.into(TypeDescriptors.doubles()).via(Example::weight));
      lines = lines
          .and(weights
              .apply("WeightQuartiles", WeightQuartiles.of())
              .apply("QuartileLines", ParDo.of(new QuartileLinesFn())))
          .and(weights
              .apply("MeanWeight", Combine.globally(ExactMean.of()).withoutDefaults())
              .apply("MeanLines", ParDo.of(new MeanLinesFn())));
    }
    return lines
        .apply("Lines", Flatten.pCollections())
        .apply("Keyed", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via(line -> KV.of(to, line)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  /** The rejected records of each reason the report shows: the first by id. */
  static final int MAX_SAMPLES = 5;

  /** The near-duplicate clusters the report lists, largest first. */
  static final int MAX_CLUSTERS = 20;

  /** The characters of a sample's record and detail the report keeps. */
  static final int MAX_SAMPLE_CHARS = 600;

  /**
   * {@code {"rejected_sample": {"id", "stage", "reason", "detail", "record"}}} with the record as
   * (cut) JSON text; the id leads, so the text orders samples by id.
   */
  static String sampleLine(Rejected rejected) {
    ObjectNode sample = Json.MAPPER.createObjectNode();
    sample.put("id", rejected.id());
    sample.put("stage", rejected.stage());
    sample.put("reason", rejected.reason());
    sample.put("detail", cut(rejected.detail()));
    sample.put("record", rejected.original() == null ? "" : cut(Json.write(rejected.original())));
    return Json.write(sample);
  }

  private static String cut(String text) {
    if (text.length() <= MAX_SAMPLE_CHARS) {
      return text;
    }
    // Never between the two halves of a surrogate pair.
    int end = Character.isHighSurrogate(text.charAt(MAX_SAMPLE_CHARS - 1))
        ? MAX_SAMPLE_CHARS - 1 : MAX_SAMPLE_CHARS;
    return text.substring(0, end) + "\u2026";
  }

  static final class SampleLinesFn extends DoFn<KV<String, List<String>>, String> {
    @ProcessElement
    public void process(@Element KV<String, List<String>> samples, OutputReceiver<String> out)
        throws JsonProcessingException {
      for (String sample : samples.getValue()) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.set(SAMPLE, Json.MAPPER.readTree(sample));
        out.output(Json.write(line));
      }
    }
  }

  /** The field of a sample line in the tally. */
  public static final String SAMPLE = "rejected_sample";

  /** The field of a near-duplicate cluster line in the tally. */
  public static final String CLUSTER = "near_cluster";

  /** The field of the line that counts the near-duplicate clusters. */
  public static final String CLUSTERS = "near_clusters";

  /**
   * The near-duplicate clusters: each survivor with the documents refused as its near duplicates,
   * the {@link #MAX_CLUSTERS} largest as {@code {"near_cluster": {"survivor", "duplicates"}}}, and
   * {@code {"near_clusters": n}}; nothing when near dedup refused nothing.
   */
  private static PCollectionList<String> nearClusters(PCollection<Rejected> rejected) {
    PCollection<KV<String, Long>> clusters = rejected
        .apply("NearDuplicates", Filter.by(
            (Rejected r) -> r.reason().equals(Reason.NEAR_DUPLICATE.label())))
        .apply("Survivors", MapElements.into(TypeDescriptors.strings())
            .via((Rejected r) -> FilterQuality.nearDuplicateSurvivor(r.detail())))
        .apply("ClusterSizes", Count.perElement());
    return PCollectionList.of(clusters
            .apply("LargestClusters", Top.of(MAX_CLUSTERS, new LargerCluster()).withoutDefaults())
            .apply("ClusterLines", ParDo.of(new ClusterLinesFn())))
        .and(clusters
            .apply("CountClusters",
                Combine.globally(Count.<KV<String, Long>>combineFn()).withoutDefaults())
            .apply("ClusterCountLines", MapElements.into(TypeDescriptors.strings())
                .via((Long n) -> Json.write(Json.MAPPER.createObjectNode().put(CLUSTERS, n)))));
  }

  /** More duplicates first, then the smaller survivor: Top keeps the greatest. */
  static final class LargerCluster implements Comparator<KV<String, Long>>, Serializable {
    @Override
    public int compare(KV<String, Long> a, KV<String, Long> b) {
      int bySize = Long.compare(a.getValue(), b.getValue());
      return bySize != 0 ? bySize : b.getKey().compareTo(a.getKey());
    }
  }

  static final class ClusterLinesFn extends DoFn<List<KV<String, Long>>, String> {
    @ProcessElement
    public void process(@Element List<KV<String, Long>> clusters, OutputReceiver<String> out) {
      for (KV<String, Long> cluster : clusters) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.putObject(CLUSTER)
            .put("survivor", cluster.getKey())
            .put("duplicates", cluster.getValue());
        out.output(Json.write(line));
      }
    }
  }

  private static String countLine(KV<List<String>, Long> count) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    ArrayNode key = line.putArray("key");
    count.getKey().forEach(key::add);
    line.put("count", count.getValue());
    return Json.write(line);
  }

  static final class ErrorLinesFn extends DoFn<List<String>, String> {
    @ProcessElement
    public void process(@Element List<String> errors, OutputReceiver<String> out) {
      for (String error : errors) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("error", error);
        out.output(Json.write(line));
      }
    }
  }

  /** The names of the five quantiles of the weights, in order. */
  static final List<String> QUARTILE_NAMES = List.of("min", "p25", "p50", "p75", "max");

  /** {@code {"weights": {"min", "p25", "p50", "p75", "max"}}}; nothing for no examples. */
  static final class QuartileLinesFn extends DoFn<List<Double>, String> {
    @ProcessElement
    public void process(@Element List<Double> quantiles, OutputReceiver<String> out) {
      if (quantiles.size() == QUARTILE_NAMES.size()) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        ObjectNode weights = line.putObject("weights");
        for (int i = 0; i < quantiles.size(); i++) {
          weights.put(QUARTILE_NAMES.get(i), quantiles.get(i));
        }
        out.output(Json.write(line));
      }
    }
  }

  /** {@code {"weights": {"mean"}}}; nothing for no examples (the mean of none is NaN). */
  static final class MeanLinesFn extends DoFn<Double, String> {
    @ProcessElement
    public void process(@Element Double mean, OutputReceiver<String> out) {
      if (Double.isFinite(mean)) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.putObject("weights").put("mean", mean);
        out.output(Json.write(line));
      }
    }
  }

  /**
   * {@code [documents_segmented]} per document Segment cut into blocks and {@code
   * [examples_cut]} per block, from {@link dev.trainset.segment.Segment#CUTS}.
   */
  public static PTransform<PCollection<Integer>, PCollection<List<String>>> cuts() {
    return new PTransform<>() {
      @Override
      public PCollection<List<String>> expand(PCollection<Integer> cuts) {
        return cuts.apply(ParDo.of(new CutKeysFn())).setCoder(ListCoder.of(StringUtf8Coder.of()));
      }
    };
  }

  static final class CutKeysFn extends DoFn<Integer, List<String>> {
    @ProcessElement
    public void process(@Element Integer blocks, OutputReceiver<List<String>> out) {
      out.output(List.of("documents_segmented"));
      for (int i = 0; i < blocks; i++) {
        out.output(List.of("examples_cut"));
      }
    }
  }

  /** One key per element: {@code [name]}. */
  public static <T> PTransform<PCollection<T>, PCollection<List<String>>> each(String name) {
    return keyed(element -> List.of(name));
  }

  /** {@code [rejected, <reason>, <stage>]} per rejection. */
  public static PTransform<PCollection<Rejected>, PCollection<List<String>>> rejections() {
    return keyed(rejected -> List.of("rejected", rejected.reason(), rejected.stage()));
  }

  /** {@code [format, <name>, <kind>]} per {@code KV<format, split>}. */
  public static PTransform<PCollection<KV<String, String>>, PCollection<List<String>>> formats(
      String kind) {
    return keyed(written -> List.of("format", written.getKey(), kind));
  }

  /**
   * Per example: {@code [split, <split>]}; {@code [stratum, <value>, <split>]} with strata; the
   * {@link Histogram} bins of its length, {@code [length, <split>, chars, <bin>]} (code points of
   * its full text, as the length bounds count) and, when {@code tokenizer} is given (the run
   * counts tokens), {@code [length, <split>, tokens, <bin>]}; and {@code [weight, <bin>]}.
   */
  public static PTransform<PCollection<Example>, PCollection<List<String>>> exports(
      String stratifyBy, @Nullable Tokenizer tokenizer) {
    return new PTransform<>() {
      @Override
      public PCollection<List<String>> expand(PCollection<Example> examples) {
        return examples.apply(ParDo.of(new ExportKeysFn(stratifyBy, tokenizer)))
            .setCoder(ListCoder.of(StringUtf8Coder.of()));
      }
    };
  }

  static final class ExportKeysFn extends DoFn<Example, List<String>> {
    private final String stratifyBy;
    private final @Nullable Tokenizer tokenizer;
    private transient @Nullable Encoding encoding;

    ExportKeysFn(String stratifyBy, @Nullable Tokenizer tokenizer) {
      this.stratifyBy = stratifyBy;
      this.tokenizer = tokenizer;
    }

    @Setup
    public void setup() {
      if (tokenizer != null) {
        encoding = tokenizer.encoding();
      }
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<List<String>> out) {
      String split = example.split();
      out.output(List.of("split", split));
      if (!stratifyBy.isEmpty()) {
        out.output(List.of("stratum", example.stratum(stratifyBy), split));
      }
      String text = example.fullText();
      out.output(List.of("length", split, "chars", bin(text.codePointCount(0, text.length()))));
      if (encoding != null) {
        out.output(List.of("length", split, "tokens", bin(encoding.countTokensOrdinary(text))));
      }
      out.output(List.of("weight", bin(example.weight())));
    }

    private static String bin(double value) {
      return Double.toString(Histogram.binOf(value));
    }
  }

  private static <T> PTransform<PCollection<T>, PCollection<List<String>>> keyed(
      SerializableFunction<T, List<String>> key) {
    return new PTransform<>() {
      @Override
      public PCollection<List<String>> expand(PCollection<T> input) {
        return input
            .apply(MapElements.into(TypeDescriptors.lists(TypeDescriptors.strings())).via(key))
            .setCoder(ListCoder.of(StringUtf8Coder.of()));
      }
    };
  }
}
