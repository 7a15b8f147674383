package dev.trainset.finish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.Dedup;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Json;
import dev.trainset.model.Rejected;
import dev.trainset.model.Windows;
import dev.trainset.report.ReportPage;
import dev.trainset.report.RunStats;
import dev.trainset.report.SplitChecks;
import dev.trainset.write.WriteFormats;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private static final List<String> SIDE_FOLDERS =
      List.of(Rejected.FOLDER, WriteFormats.VALIDATION_FOLDER, "_report");

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
      if (export.isEmpty()) {
        out.output(finish(spec, exportFolder, launch, written).statsJson());
        return;
      }
      Optional<Finished> finished = finishWindow(spec, exportFolder, launch, written);
      // A streaming run has no end for its launcher to report: each window says it is done.
      System.out.printf("trainset: %s: %s: %s%n", spec.name(), export, finished
          .map(f -> f.summary() + " -> " + f.directory())
          .orElse("committed before this run started, kept as it was"));
      finished.ifPresent(f -> out.output(f.statsJson()));
    }
  }

  /**
   * Finishes one window of a streaming run, unless an earlier run committed it already with every
   * file {@code written} names. A job restored from a checkpoint finishes again the windows its
   * checkpoint held open, from facts some of which an earlier run's files gave (files it then
   * published and removed from its staging folder): when they bring nothing the committed export
   * lacks, it stays as it was, {@code _SUCCESS} never gone; else it is published again, the
   * earlier run's files that are still part of it taken from the export. Empty when kept.
   */
  static Optional<Finished> finishWindow(PipelineSpec spec, OutputFolder folder, Launch launch,
      List<FileFacts> written) throws IOException {
    if (!folder.hasSuccess()) {
      return Optional.of(finish(spec, folder, launch, written));
    }
    Map<String, String> committed = committedFiles(folder);
    List<FileFacts> files = written.stream().filter(file -> file.tallyLines() == null).toList();
    List<FileFacts> alreadyCommitted = files.stream()
        .filter(file -> file.sha256().equals(committed.get(file.path()))).toList();
    if (alreadyCommitted.size() == files.size()) {
      folder.discard();
      return Optional.empty();
    }
    for (FileFacts file : alreadyCommitted) {
      folder.stageFromPublished(file.path());
    }
    return Optional.of(finish(spec, folder, launch, written));
  }

  /** The committed export's files and their SHA-256, from its manifest; none if unreadable. */
  private static Map<String, String> committedFiles(OutputFolder folder) {
    Map<String, String> files = new HashMap<>();
    try {
      for (JsonNode file : Json.MAPPER.readTree(folder.readPublished(Manifest.PATH)).path("files")) {
        files.put(file.path("path").asText(), file.path("sha256").asText());
      }
    } catch (IOException | RuntimeException e) {
      // Without a manifest nothing is known committed: the window is published again.
    }
    return files;
  }

  /**
   * Writes the reports and side files of the run of {@code spec} staged in {@code folder}, then
   * publishes it; {@code written} are the facts of the files the writes made.
   */
  public static Finished finish(PipelineSpec spec, OutputFolder folder, Launch launch,
      List<FileFacts> written) throws IOException {
    List<FileFacts> facts = written.stream().sorted(Comparator.comparing(FileFacts::path)).toList();
    List<String> tally = facts.stream().filter(file -> file.tallyLines() != null)
        .flatMap(file -> file.tallyLines().stream()).toList();
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
      facts.add(ReadBackFn.read(spec.output(), folder.staging(), file.resourceId().toString()));
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
