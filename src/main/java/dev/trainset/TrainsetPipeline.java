package dev.trainset;

import dev.trainset.config.Dedup;
import dev.trainset.config.PipelineSpec;
import dev.trainset.finish.FinishRun;
import dev.trainset.finish.OutputFolder;
import dev.trainset.formats.ExampleTable;
import dev.trainset.model.Document;
import dev.trainset.model.Example;
import dev.trainset.model.Grain;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.report.RunTally;
import dev.trainset.weights.ComputeWeights;
import dev.trainset.quality.FilterQuality;
import dev.trainset.write.DeadLetterTopic;
import dev.trainset.write.JsonLines;
import dev.trainset.read.ReadDocuments;
import dev.trainset.segment.Segment;
import dev.trainset.split.SplitLeakage;
import dev.trainset.split.StratifiedSplit;
import dev.trainset.weights.WeighExamples;
import dev.trainset.write.WriteFormats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The trainset graph: ReadDocuments, FilterQuality, ComputeWeights, Segment (then WeighExamples,
 * the weight steps that need examples), StratifiedSplit, WriteFormats, with every stage's
 * rejections flattened into {@code _rejected/} (and a dead-letter topic, when a Kafka read names
 * one) and the run's counts and the splits' leakage check into {@code _tally/}, those three and
 * the examples a format could not hold ({@code _validation/}) in one write; then FinishRun,
 * which reads every written file back, writes the reports and publishes the run, {@code
 * _SUCCESS} last, so that the run is finished by the graph itself.
 */
public final class TrainsetPipeline {
  /** The file prefixes of the small outputs, under the run's folder. */
  private static final String REJECTED = Rejected.FOLDER + "/rejected";
  private static final String TALLY = FinishRun.TALLY + "/tally";
  private static final String LEAKAGE = FinishRun.TALLY + "/leakage";

  /** What the built graph fixed that the report needs. */
  public record Built(Instant freshnessReference) {}

  private TrainsetPipeline() {}

  /**
   * Adds the graph for {@code spec} to {@code pipeline}: the stages write into the staging folder
   * of {@code folder}, and the finishing steps read every file back, write the reports and
   * publish, {@code _SUCCESS} last. {@code runner} and {@code startMillis} go into stats.json.
   */
  public static Built build(Pipeline pipeline, PipelineSpec spec, OutputFolder folder,
      String runner, long startMillis) {
    String directory = folder.staging();
    Grain grain = Grain.forRunner(runner);
    PCollectionTuple read = pipeline.apply("ReadDocuments", ReadDocuments.from(spec.input()));
    PCollectionTuple filtered =
        read.get(ReadDocuments.DOCUMENTS)
            .apply("FilterQuality", FilterQuality.of(spec.quality(), spec.fields())
                .withSegmentation(spec.segment())
                .withGrain(grain));
    ComputeWeights computeWeights =
        ComputeWeights.of(spec.weights(), spec.fields()).withSegmentation(spec.segment());
    PCollectionTuple weighted =
        filtered.get(FilterQuality.KEPT).apply("ComputeWeights", computeWeights);
    PCollectionTuple segmented =
        weighted
            .get(ComputeWeights.WEIGHTED)
            .apply("Segment", Segment.of(spec.fields()).carrying(carriedFields(spec))
                .withSegmentation(spec.segment()));
    // Clipping and normalize: mean need the examples, whose count Segment changes.
    PCollection<Example> weighed =
        segmented.get(Segment.EXAMPLES).apply("WeighExamples",
            WeighExamples.of(spec.weights()).withSegmentation(spec.segment()));
    PCollection<Example> examples =
        weighed.apply("StratifiedSplit", StratifiedSplit.of(spec.split()).withGrain(grain));
    PCollectionTuple written =
        examples.apply("WriteFormats", WriteFormats.to(spec.output(), directory)
            .withTable(ExampleTable.of(spec))
            .withGrain(grain));

    PCollection<Rejected> rejected =
        PCollectionList.of(read.get(Rejected.TAG))
            .and(filtered.get(Rejected.TAG))
            .and(weighted.get(Rejected.TAG))
            .and(segmented.get(Rejected.TAG))
            .apply("AllRejected", Flatten.pCollections())
            .setCoder(RejectedCoder.of());
    PCollection<KV<String, String>> rejectedLines = rejected
        .apply("RejectedLines", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((Rejected r) -> KV.of(REJECTED, r.toJson())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PipelineSpec.Kafka kafka = spec.input().kafka();
    if (kafka != null && kafka.deadLetters()) {
      rejected.apply("DeadLetterTopic", DeadLetterTopic.of(kafka));
    }

    PCollection<Document> documents = read.get(ReadDocuments.DOCUMENTS);
    PCollection<KV<String, String>> tallyLines =
        PCollectionList.of(documents.apply("TallyRead", RunTally.<Document>each("records_read")))
        .and(read.get(Rejected.TAG).apply("TallyUnreadable", RunTally.<Rejected>each("records_read")))
        .and(rejected.apply("TallyRejected", RunTally.rejections()))
        .and(examples.apply("TallyExported", RunTally.exports(spec.split().stratifyBy(),
            spec.quality().maxTokens() > 0 ? spec.quality().tokenizer() : null)))
        .and(written.get(WriteFormats.WRITTEN).apply("TallyWritten", RunTally.formats("records")))
        .and(written.get(WriteFormats.VALIDATION).apply("TallyInvalid", RunTally.formats("invalid")))
        .and(segmented.get(Segment.CUTS).apply("TallyCuts", RunTally.cuts()))
        .apply("Tally", tally(spec, rejected, examples));
    PCollection<KV<String, String>> leakageLines = examples
        .apply("SplitLeakage", SplitLeakage.of(spec.split().groupBy()).withGrain(grain))
        .apply("LeakageLines", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((String line) -> KV.of(LEAKAGE, line)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PCollection<KV<String, String>> validationLines = written.get(WriteFormats.VALIDATION)
        .apply("ValidationLines", WriteFormats.validationLines())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    // One write for the small outputs: each write is a chain of shuffles of its own.
    PCollection<String> sideFiles = PCollectionList.of(rejectedLines)
        .and(validationLines)
        .and(tallyLines)
        .and(leakageLines)
        .apply("SideLines", Flatten.pCollections())
        .apply("WriteSideFiles", JsonLines.to(directory).withGrain(grain));

    Built built = new Built(computeWeights.reference());
    PCollectionList.of(written.get(WriteFormats.FILES))
        .and(sideFiles)
        .apply("AllFiles", Flatten.pCollections())
        .apply("FinishRun", FinishRun.of(spec, folder,
            new FinishRun.Launch(runner, startMillis, built.freshnessReference())));
    return built;
  }

  /** The run's counts, with the near-duplicate clusters when near dedup can make some. */
  private static RunTally tally(
      PipelineSpec spec, PCollection<Rejected> rejected, PCollection<Example> examples) {
    RunTally tally = RunTally.into(TALLY, rejected).withWeightsOf(examples);
    return spec.quality().dedup() == Dedup.NEAR ? tally.withNearClusters() : tally;
  }

  /** Record fields the stages after Segment look up: stratum, group and partition keys. */
  static List<String> carriedFields(PipelineSpec spec) {
    List<String> carried = new ArrayList<>();
    for (String key : List.of(spec.split().stratifyBy(), spec.split().groupBy())) {
      if (!key.isEmpty()) {
        carried.add(key);
      }
    }
    carried.addAll(spec.output().partitionBy());
    return carried;
  }
}
