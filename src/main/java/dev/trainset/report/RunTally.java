package dev.trainset.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Rejected;
import java.util.List;
import dev.trainset.write.JsonLines;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Mean;
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
 * every runner: each source is turned into tally keys ({@code [rejected, duplicate]}, {@code
 * [split, train]}, ...), the keys are counted, and the counts and the first 100 errors are written
 * as JSON lines for {@link RunStats} to read. Its output, the files it wrote, tells the finishing
 * steps when the tally is complete.
 *
 * <p>Every count is per window: a streaming run's tally is its window's (each window is its own
 * export), a batch run's the whole run's. The global combines give nothing for no input, so a
 * window without rejections has no error lines, as a batch run without any.
 */
public final class RunTally
    extends PTransform<PCollectionList<List<String>>, PCollection<String>> {
  static final int MAX_ERRORS = 100;

  private final String directory;
  private final PCollection<Rejected> rejected;
  private final @Nullable PCollection<Example> exported;

  private RunTally(
      String directory, PCollection<Rejected> rejected, @Nullable PCollection<Example> exported) {
    this.directory = directory;
    this.rejected = rejected;
    this.exported = exported;
  }

  /** Counts the keys and keeps the first errors of {@code rejected}, into {@code directory}. */
  public static RunTally into(String directory, PCollection<Rejected> rejected) {
    return new RunTally(directory, rejected, null);
  }

  /**
   * Also describes the weights of the {@code exported} examples: their quartiles (Beam's
   * ApproximateQuantiles, exact while the input fits its buffers) and mean, each a combine.
   */
  public RunTally withWeightsOf(PCollection<Example> exported) {
    return new RunTally(directory, rejected, exported);
  }

  /** The full path of each tally file written. */
  @Override
  public PCollection<String> expand(PCollectionList<List<String>> keys) {
    PCollection<String> counts =
        keys.apply("AllKeys", Flatten.pCollections())
            .setCoder(ListCoder.of(StringUtf8Coder.of()))
            .apply("Count", Count.perElement())
            .apply("CountLines", MapElements.into(TypeDescriptors.strings()).via(RunTally::countLine));
    PCollection<String> errors =
        rejected
            .apply("ErrorText", MapElements.into(TypeDescriptors.strings())
                .via((Rejected r) -> r.id() + ": " + r.reason()))
            .apply("FirstErrors", Top.<String>smallest(MAX_ERRORS).withoutDefaults())
            .apply("ErrorLines", ParDo.of(new ErrorLinesFn()));
    PCollectionList<String> lines = PCollectionList.of(counts).and(errors);
    if (exported != null) {
      PCollection<Double> weights =
          exported.apply("Weights", MapElements.into(TypeDescriptors.doubles()).via(Example::weight));
      lines = lines
          .and(weights
              .apply("WeightQuartiles",
                  Combine.globally(ApproximateQuantiles.ApproximateQuantilesCombineFn
                      .<Double>create(QUARTILE_NAMES.size())).withoutDefaults())
              .apply("QuartileLines", ParDo.of(new QuartileLinesFn())))
          .and(weights
              .apply("MeanWeight", Mean.<Double>globally().withoutDefaults())
              .apply("MeanLines", ParDo.of(new MeanLinesFn())));
    }
    return lines
        .apply("Lines", Flatten.pCollections())
        .apply("Keyed", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via(line -> KV.of("tally", line)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("Write", JsonLines.to(directory));
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

  /** {@code [rejected, <reason>]} per rejection. */
  public static PTransform<PCollection<Rejected>, PCollection<List<String>>> rejections() {
    return keyed(rejected -> List.of("rejected", rejected.reason()));
  }

  /** {@code [format, <name>, <kind>]} per {@code KV<format, split>}. */
  public static PTransform<PCollection<KV<String, String>>, PCollection<List<String>>> formats(
      String kind) {
    return keyed(written -> List.of("format", written.getKey(), kind));
  }

  /** {@code [split, <split>]} per example, and {@code [stratum, <value>, <split>]} with strata. */
  public static PTransform<PCollection<Example>, PCollection<List<String>>> exports(
      String stratifyBy) {
    return new PTransform<>() {
      @Override
      public PCollection<List<String>> expand(PCollection<Example> examples) {
        return examples.apply(ParDo.of(new ExportKeysFn(stratifyBy)))
            .setCoder(ListCoder.of(StringUtf8Coder.of()));
      }
    };
  }

  static final class ExportKeysFn extends DoFn<Example, List<String>> {
    private final String stratifyBy;

    ExportKeysFn(String stratifyBy) {
      this.stratifyBy = stratifyBy;
    }

    @ProcessElement
    public void process(@Element Example example, OutputReceiver<List<String>> out) {
      out.output(List.of("split", example.split()));
      if (!stratifyBy.isEmpty()) {
        out.output(List.of("stratum", example.stratum(stratifyBy), example.split()));
      }
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
