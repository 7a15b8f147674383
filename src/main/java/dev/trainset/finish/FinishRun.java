package dev.trainset.finish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.Dedup;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Json;
import dev.trainset.model.Windows;
import dev.trainset.report.ReportPage;
import dev.trainset.report.RunStats;
import dev.trainset.report.SplitChecks;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * The last steps of the graph, which finish a run where its files are, so that no launcher has to
 * wait for the job: every written file is read back on a worker ({@link ReadBackFn}: size,
 * SHA-256, records, what its format's reader finds); once all are, one step turns the staged
 * output into the reports and side files README's "What a run writes" lists (stats.json from the
 * tally, validation.json, the data dictionary, the dataset card, openai's metadata.json, the
 * trainer hand-off, {@code _report/report.html}, {@code _report/manifest.json}), then publishes
 * the staged folders, {@code
 * _SUCCESS} last. Its input is the path of every file the writes made; it outputs stats.json.
 */
public final class FinishRun extends PTransform<PCollection<String>, PCollection<String>> {
  /** The folder under the staging folder the pipeline leaves its tally in, for stats.json. */
  public static final String TALLY = "_tally";

  /** stats.json, in the output folder. */
  public static final String STATS = "_report/stats.json";

  /** validation.json, in the output folder. */
  public static final String VALIDATION = "_report/validation.json";

  /** The one key all of a run's (a window's) files are grouped under. */
  private static final String RUN = "run";

  /** The folders a run publishes besides one per format. */
  private static final List<String> SIDE_FOLDERS = List.of("_rejected", "_validation", "_report");

  /**
   * What the launcher knew when it built the graph: the runner's name, when the run started (for
   * {@code duration_ms}), and the instant freshness was measured against.
   */
  public record Launch(String runner, long startMillis, Instant freshnessReference)
      implements Serializable {}

  /**
   * A finished run: the summary of its counts, its stats.json, the problems the read-back found,
   * and the folder it was published to.
   */
  public record Finished(String summary, String statsJson, int problems, String directory) {}

  private final PipelineSpec spec;
  private final OutputFolder folder;
  private final Launch launch;

  private FinishRun(PipelineSpec spec, OutputFolder folder, Launch launch) {
    this.spec = spec;
    this.folder = folder;
    this.launch = launch;
  }

  /** Finishes the run of {@code spec} staged in {@code folder}. */
  public static FinishRun of(PipelineSpec spec, OutputFolder folder, Launch launch) {
    return new FinishRun(spec, folder, launch);
  }

  @Override
  public PCollection<String> expand(PCollection<String> files) {
    KvCoder<String, FileFacts> keyed =
        KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(SerializableCoder.of(FileFacts.class)));
    PCollection<KV<String, FileFacts>> facts = files
        .apply("ReadBack", ParDo.of(new ReadBackFn(spec.output(), folder.staging())))
        .setCoder(SerializableCoder.of(FileFacts.class))
        .apply("Keyed", WithKeys.of(RUN))
        .setCoder(keyed);
    if (files.isBounded() == PCollection.IsBounded.BOUNDED) {
      // A batch run finishes even when it wrote no file at all (no record read): one element
      // that stands for no file. A window of a streaming run without records has no export.
      facts = PCollectionList.of(facts)
          .and(files.getPipeline().apply("Run", Create.of(KV.of(RUN, (FileFacts) null))
              .withCoder(keyed)))
          .apply("WithRun", Flatten.pCollections());
    }
    // All the files of the run (of the window), once every write is done: then the step runs.
    return facts
        .apply("AllFiles", GroupByKey.create())
        .apply("Publish", ParDo.of(new FinishFn(spec, folder, launch)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Writes the reports and side files, then publishes; outputs stats.json. */
  static final class FinishFn extends DoFn<KV<String, Iterable<FileFacts>>, String> {
    private final PipelineSpec spec;
    private final OutputFolder folder;
    private final Launch launch;

    FinishFn(PipelineSpec spec, OutputFolder folder, Launch launch) {
      this.spec = spec;
      this.folder = folder;
      this.launch = launch;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<FileFacts>> run, BoundedWindow window,
        OutputReceiver<String> out) throws IOException {
      List<FileFacts> written = new ArrayList<>();
      for (FileFacts file : run.getValue()) {
        if (file != null) {
          written.add(file);
        }
      }
      String export = Windows.folder(window);
      OutputFolder exportFolder = folder.forWindow(window);
      if (!export.isEmpty() && exportFolder.hasSuccess() && stagesNoRecord(exportFolder)) {
        // A job restored from a checkpoint taken before this window finished can finish it again
        // from the state it holds, but the window's records are not read again and its files
        // were published by the job before: publishing what is staged (at most a tally) would
        // empty the export. It stays as it is; a window read again stages its files anew.
        exportFolder.discard();
        return;
      }
      Finished finished = finish(spec, exportFolder, launch, written);
      if (!export.isEmpty()) {
        // A streaming run has no end for its launcher to report: each window says it is done.
        System.out.printf("trainset: %s: %s: %s -> %s%n", spec.name(), export, finished.summary(),
            finished.directory());
      }
      out.output(finished.statsJson());
    }
  }

  /** Whether nothing but the tally is staged in {@code folder}: no data, rejection or report. */
  static boolean stagesNoRecord(OutputFolder folder) {
    String tally = folder.staging() + "/" + TALLY + "/";
    return folder.stagedFiles().stream()
        .allMatch(file -> file.resourceId().toString().startsWith(tally));
  }

  /**
   * Writes the reports and side files of the run of {@code spec} staged in {@code folder}, then
   * publishes it; {@code written} are the facts of the files the writes made.
   */
  public static Finished finish(PipelineSpec spec, OutputFolder folder, Launch launch,
      List<FileFacts> written) throws IOException {
    List<FileFacts> facts = written.stream().sorted(Comparator.comparing(FileFacts::path)).toList();
    List<String> tally = folder.stagedLines(TALLY);
    RunStats stats = stats(spec, tally, launch.freshnessReference());
    folder.dropStaged(TALLY);
    DescriptionFiles.write(spec, folder);
    Map<String, RunStats.FormatFiles> files = formatFiles(spec, folder);
    JsonNode splitChecks = SplitChecks.from(
        tally, spec.split().ratios(), !spec.split().groupBy().isEmpty(), stats);
    ReadBackReport.Checked checked = ReadBackReport.write(spec, folder, stats, splitChecks, facts);
    String statsJson = stats.toJson(spec.name(), launch.runner(),
        System.currentTimeMillis() - launch.startMillis(), files);
    folder.writeStaged(STATS, statsJson);
    folder.writeStaged(ReportPage.PATH, ReportPage.html(new ReportPage.Inputs(spec.name(),
        windowOf(folder), statsJson, checked.validationJson(), tally,
        spec.quality().dedup() == Dedup.NEAR)));
    folder.writeStaged(Manifest.PATH, Manifest.of(folder, facts));
    List<String> published = new ArrayList<>(spec.output().formats());
    published.addAll(SIDE_FOLDERS);
    folder.publish(published);
    return new Finished(stats.summary(), statsJson, checked.problems(), folder.directory());
  }

  /** {@code window=<start>} for a window's export, else empty. */
  private static String windowOf(OutputFolder folder) {
    String directory = folder.directory();
    String last = directory.substring(directory.lastIndexOf('/') + 1);
    return last.startsWith("window=") ? last : "";
  }

  /**
   * As the graph finishes, for a staging folder made by hand (tests): every staged file but the
   * tally is read back here.
   */
  static Finished finish(PipelineSpec spec, OutputFolder folder, Launch launch)
      throws IOException {
    List<FileFacts> facts = new ArrayList<>();
    for (MatchResult.Metadata file : folder.stagedFiles()) {
      String path = file.resourceId().toString();
      if (!path.startsWith(folder.staging() + "/" + TALLY + "/")) {
        facts.add(ReadBackFn.read(spec.output(), folder.staging(), path));
      }
    }
    return finish(spec, folder, launch, facts);
  }

  /** The problems reading the files back found, from validation.json. */
  public static long problemsOf(String validationJson) throws IOException {
    long problems = 0;
    for (JsonNode format : Json.MAPPER.readTree(validationJson).get("formats")) {
      problems += format.path("problems").asLong(0);
    }
    return problems;
  }

  /** The run's numbers from its tally lines, in the order of the spec's splits and formats. */
  static RunStats stats(PipelineSpec spec, List<String> tally, Instant freshnessReference) {
    RunStats stats = RunStats.fromTally(
        tally, List.copyOf(spec.split().ratios().keySet()), spec.output().formats());
    if (!spec.weights().freshness().field().isEmpty()) {
      stats.setFreshnessReference(freshnessReference);
    }
    return stats;
  }

  /** The files and bytes staged in each format's folder, side files included. */
  static Map<String, RunStats.FormatFiles> formatFiles(PipelineSpec spec, OutputFolder folder) {
    Map<String, RunStats.FormatFiles> files = new LinkedHashMap<>();
    for (String format : spec.output().formats()) {
      List<MatchResult.Metadata> written = folder.staged(format);
      files.put(format, new RunStats.FormatFiles(written.size(),
          written.stream().mapToLong(MatchResult.Metadata::sizeBytes).sum()));
    }
    return files;
  }
}
