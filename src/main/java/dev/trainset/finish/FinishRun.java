package dev.trainset.finish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.report.RunStats;
import dev.trainset.report.SplitChecks;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What follows the pipeline of a run: turns the staged output into the reports and side files
 * README.md's "What a run writes" lists (stats.json from the tally, validation.json from reading
 * every file back, the data dictionary, the dataset card, openai's metadata.json, the trainer
 * hand-off), then publishes the staged folders. Each step is a function of the spec and the
 * staged files, so that it can run where the files are.
 */
public final class FinishRun {
  /** The folder under the staging folder the pipeline leaves its tally in, for stats.json. */
  public static final String TALLY = "_tally";

  /** The folders a run publishes besides one per format. */
  private static final List<String> SIDE_FOLDERS = List.of("_rejected", "_validation", "_report");

  /**
   * What the launcher knows of the run: the runner's name, when the run started (for {@code
   * duration_ms}), and the instant freshness was measured against (fixed when the graph was built).
   */
  public record Launch(String runner, long startMillis, Instant freshnessReference) {}

  /**
   * A finished run: the summary of its counts, its stats.json, the problems the read-back found,
   * and the folder it was published to.
   */
  public record Finished(String summary, String statsJson, int problems, String directory) {}

  private FinishRun() {}

  /**
   * Writes the reports and side files of the run of {@code spec} staged in {@code folder}, then
   * publishes it.
   */
  public static Finished finish(PipelineSpec spec, OutputFolder folder, Launch launch)
      throws IOException {
    List<String> tally = folder.stagedLines(TALLY);
    RunStats stats = stats(spec, tally, launch.freshnessReference());
    folder.dropStaged(TALLY);
    DescriptionFiles.write(spec, folder);
    Map<String, RunStats.FormatFiles> files = formatFiles(spec, folder);
    JsonNode splitChecks = SplitChecks.from(
        tally, spec.split().ratios(), !spec.split().groupBy().isEmpty(), stats);
    int problems = ReadBackReport.write(spec, folder, stats, splitChecks);
    String statsJson = stats.toJson(spec.name(), launch.runner(),
        System.currentTimeMillis() - launch.startMillis(), files);
    folder.writeStaged("_report/stats.json", statsJson);
    List<String> published = new ArrayList<>(spec.output().formats());
    published.addAll(SIDE_FOLDERS);
    folder.publish(published);
    return new Finished(stats.summary(), statsJson, problems, folder.directory());
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
