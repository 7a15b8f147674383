package dev.trainset;

import dev.trainset.config.ConfigException;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.finish.FinishRun;
import dev.trainset.finish.OutputFolder;
import dev.trainset.model.LocalProgress;
import dev.trainset.report.FlinkRestProgress;
import dev.trainset.report.ProgressLine;
import dev.trainset.report.RunStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code trainset --pipeline=FILE [overrides] [Beam options]}: reads the pipeline file with the
 * overrides and launches the graph (on embedded Flink unless {@code --runner} says otherwise),
 * which finishes the run itself ({@link FinishRun}: reports, manifest, publish, {@code
 * _SUCCESS}). A detached launch returns once the job is submitted; an attached one waits, prints
 * the summary read from stats.json, then runs {@code output.on_complete}.
 */
final class RunCommand {
  /** Where a streaming run on Flink keeps its checkpoints, in the output folder. */
  static final String CHECKPOINTS = "_checkpoints";

  private RunCommand() {}

  /** Runs the pipeline the arguments describe; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> sets = new ArrayList<>();
    List<String> beamArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith(Trainset.SET)) {
        sets.add(arg.substring(Trainset.SET.length()));
      } else {
        beamArgs.add(arg);
      }
    }
    TrainsetOptions options;
    PipelineSpec spec;
    long inputBytes;
    try {
      PipelineOptionsFactory.register(TrainsetOptions.class);
      options = PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
          .withValidation()
          .as(TrainsetOptions.class);
      if (beamArgs.stream().noneMatch(arg -> arg.startsWith("--runner="))) {
        useEmbeddedFlink(options);
      }
      boolean namesS3 = Launching.namesS3(List.of(args));
      if (!namesS3) {
        Launching.withoutRegionLookup(options);
      }
      FileSystems.setDefaultPipelineOptions(options);
      String pipelineText = pipelineFile(options.getPipeline());
      if (!namesS3 && Launching.namesS3(pipelineText)) {
        Launching.withRegionLookup(options);
        FileSystems.setDefaultPipelineOptions(options);
      }
      spec = SpecLoader.load(pipelineText,
          new SpecLoader.Overrides(orEmpty(options.getInput()), options.getOutputDir(),
              orEmpty(options.getFormats()), sets),
          Plugins.INSTANCE);
      spec = withAbsoluteInputs(spec);
      Launching.check(options, spec);
      inputBytes = checkInputsExist(spec.input().globs());
      checkOutputWritable(spec.output().dir());
    } catch (ConfigException e) {
      err.println("trainset: configuration error: " + e.getMessage());
      return Trainset.CONFIG_ERROR;
    } catch (IllegalArgumentException e) {
      // Beam's own options parser: an unknown or malformed --option.
      err.println("trainset: configuration error: command line: " + e.getMessage());
      return Trainset.CONFIG_ERROR;
    }
    return execute(options, spec, inputBytes, out, err);
  }

  private static int execute(TrainsetOptions options, PipelineSpec spec, long inputBytes,
      PrintStream out, PrintStream err) {
    long start = System.currentTimeMillis();
    String runId = Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    OutputFolder folder = OutputFolder.of(spec.output().dir(), runId);
    String runner = options.getRunner().getSimpleName();
    boolean detached = Launching.detached(options);
    Launching.streaming(options, spec, folder.directory() + "/" + CHECKPOINTS, err);
    Launching.embeddedConfiguration(options, spec);
    try {
      Pipeline pipeline = Pipeline.create(options);
      TrainsetPipeline.build(pipeline, spec, folder, runner, start);
      LocalProgress.reset();
      // A redrawn line on a terminal, a plain line every 30 s in a log; none for a caller that
      // gave its own stream (tests, an embedding program).
      ProgressLine progress = !detached && err == System.err
          ? progressLine(options, spec, inputBytes, err, stderrIsTerminal()) : null;
      PipelineResult.State state;
      try {
        PipelineResult result = pipeline.run();
        if (detached) {
          // The graph finishes the run itself: nothing is left for this process to do.
          out.printf("trainset: %s: submitted %s on %s; %s%n", spec.name(),
              Launching.jobName(result, options), runner, spec.streaming()
                  ? "each window is complete when " + folder.directory()
                      + "/window=<UTC start>/" + OutputFolder.SUCCESS + " exists"
                  : "the output is complete when " + folder.directory() + "/"
                      + OutputFolder.SUCCESS + " exists");
          return Trainset.OK;
        }
        state = result.waitUntilFinish();
      } finally {
        if (progress != null) {
          progress.close();
        }
      }
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
      String statsJson = folder.readPublished(FinishRun.STATS);
      long problems = FinishRun.problemsOf(folder.readPublished(FinishRun.VALIDATION));
      out.printf("trainset: %s: %s in %.1f s on %s -> %s%n", spec.name(),
          RunStats.summaryOf(statsJson), (System.currentTimeMillis() - start) / 1000.0, runner,
          folder.directory());
      if (problems > 0) {
        err.printf("trainset: the written files have %d problems; see %s/%s%n",
            problems, folder.directory(), FinishRun.VALIDATION);
      }
      if (!spec.output().onComplete().isEmpty()) {
        return OnComplete.run(spec.output().onComplete(), folder, statsJson, err);
      }
      return Trainset.OK;
    } catch (Exception e) {
      // Publishing removes _SUCCESS first: while it is there, nothing of this run was published
      // and its staging folder can go; otherwise the next run removes what is left.
      if (folder.hasSuccess()) {
        folder.discard();
      }
      err.println("trainset: the pipeline failed: " + rootMessage(e));
      return Trainset.FAILED;
    }
  }

  /**
   * On a Flink cluster the progress comes from its REST API (the workers count in their own
   * JVMs); elsewhere the workers share this JVM and count in {@link LocalProgress}: input bytes
   * read of {@code inputBytes}, or records of a bounded Kafka slice.
   */
  private static ProgressLine progressLine(TrainsetOptions options, PipelineSpec spec,
      long inputBytes, PrintStream err, boolean terminal) {
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (options.getRunner() == FlinkRunner.class && !Launching.embedded(options)) {
      return ProgressLine.cluster(err, terminal,
          FlinkRestProgress.of(master, options.getJobName()));
    }
    PipelineSpec.Kafka kafka = spec.input().kafka();
    if (kafka != null) {
      return ProgressLine.records(err, terminal, kafka.unbounded() ? 0 : kafka.maxRecords());
    }
    return ProgressLine.local(err, terminal, inputBytes);
  }

  /**
   * With no {@code --runner}, the fastest embedded runner: Flink in this JVM, one slot per core,
   * without the defensive copies the DirectRunner makes (measured in runners/README.md).
   */
  private static void useEmbeddedFlink(TrainsetOptions options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    flink.setRunner(FlinkRunner.class);
    if (flink.getFlinkMaster() == null || flink.getFlinkMaster().equals("[auto]")) {
      flink.setFlinkMaster("[local]");
    }
    if (flink.getParallelism() == null || flink.getParallelism() <= 0) {
      flink.setParallelism(Runtime.getRuntime().availableProcessors());
    }
    flink.setFasterCopy(true);
  }

  private static String pipelineFile(String path) {
    if (path == null || path.isEmpty()) {
      return "";
    }
    try {
      ResourceId file = FileSystems.matchSingleFileSpec(path).resourceId();
      try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("--pipeline", "cannot read '" + path + "': " + rootMessage(e));
    }
  }

  /**
   * Relative local input globs, resolved against this process's working directory as the
   * output directory is (see {@link OutputFolder}). The workers of a cluster run in another
   * directory: there a relative glob would match nothing, or other files than the ones checked
   * here.
   */
  private static PipelineSpec withAbsoluteInputs(PipelineSpec spec) {
    PipelineSpec.Input input = spec.input();
    List<String> paths = input.paths().stream().map(Trainset::absoluteIfLocal).toList();
    return new PipelineSpec(spec.name(),
        input.withPaths(paths),
        spec.fields(), spec.segment(), spec.quality(), spec.weights(), spec.split(), spec.output());
  }

  /** Refuses a glob that matches no file; gives the bytes the matched files hold. */
  private static long checkInputsExist(List<String> globs) {
    long bytes = 0;
    for (String glob : globs) {
      try {
        MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
        if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
          throw new ConfigException("input.paths", "'" + glob + "' matches no file");
        }
        for (MatchResult.Metadata file : match.metadata()) {
          bytes += Math.max(0, file.sizeBytes());
        }
      } catch (IOException e) {
        throw new ConfigException("input.paths", "cannot list '" + glob + "': " + e.getMessage());
      }
    }
    return bytes;
  }


  /**
   * On a local disk, writes and deletes a small file in the output directory (creating it), so
   * that a directory the run cannot write is refused before any data is read, not after the
   * whole job ran. The previous output there is not touched. An object store is left to the
   * workers, whose credentials may not be this process's.
   */
  private static void checkOutputWritable(String dir) {
    ResourceId folder = FileSystems.matchNewResource(dir, true);
    if (!"file".equals(folder.getScheme())) {
      return;
    }
    String absolute = folder.toString();
    String probe = (absolute.endsWith("/") ? absolute : absolute + "/") + ".trainset-write-check-"
        + UUID.randomUUID();
    try {
      ResourceId file = FileSystems.matchNewResource(probe, false);
      FileSystems.create(file, "application/octet-stream").close();
      FileSystems.delete(List.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("output.dir", "cannot write to '" + dir + "': " + rootMessage(e)
          + "; give a directory this process can create and write (--outputDir=DIR)");
    }
  }

  /** Whether stderr is a terminal: where Linux says so, else whether the JVM has a console. */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Paths.get("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }
}
