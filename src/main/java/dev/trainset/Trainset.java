package dev.trainset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.ConfigException;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.formats.CsvFormat;
import dev.trainset.formats.ExampleRecords;
import dev.trainset.formats.ExampleTable;
import dev.trainset.formats.Formats;
import dev.trainset.formats.HuggingFaceCard;
import dev.trainset.formats.OutputFormat;
import dev.trainset.model.LocalProgress;
import dev.trainset.report.ProgressLine;
import dev.trainset.report.OpenaiMetadata;
import dev.trainset.report.OutputValidation;
import dev.trainset.report.RunStats;
import dev.trainset.report.SplitChecks;
import dev.trainset.report.TrainerHandoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.LogManager;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The command line: {@code java -jar trainset.jar --pipeline=FILE [overrides] [Beam options]}.
 * Exit status 0 on success, 2 on a configuration error (before any data is read), 1 on a
 * pipeline failure.
 */
public final class Trainset {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int CONFIG_ERROR = 2;

  private static final String SET = "--set=";

  private static final String USAGE =
      "usage: java -jar trainset.jar --pipeline=FILE [overrides] [Beam options]\n"
          + "\n"
          + "  --pipeline=FILE          the pipeline file (YAML), on any Beam filesystem\n"
          + "  --input=GLOB[,GLOB]      replaces input.paths\n"
          + "  --outputDir=DIR          replaces output.dir\n"
          + "  --formats=F[,F]          replaces output.formats\n"
          + "  --set=dotted.key=value   sets any key of the pipeline file (value read as YAML)\n"
          + "  --runner=DirectRunner|FlinkRunner   default: embedded Flink, one slot per core\n"
          + "\n"
          + "Exit status: 0 done, 1 the pipeline failed, 2 a configuration error (nothing read).\n"
          + "\n"
          + "       java -jar trainset.jar validate --format=FORMAT [--set=output.KEY=VALUE] PATH...\n"
          + "  checks existing files by the format's rules: one line per problem, exit 1 if any.\n"
          + "A runner's own options: --help=FlinkPipelineOptions, --help=DirectOptions.\n";
  private static final String VALIDATE_USAGE =
      "usage: java -jar trainset.jar validate --format=FORMAT [--set=output.KEY=VALUE] PATH...";
  private static final long PROGRESS_MILLIS = 5_000;

  /** How Beam's FileSystems tell a path with a scheme (gs://, file:/, s3://) from a local one. */
  private static final Pattern WITH_SCHEME = Pattern.compile("^[a-zA-Z][-a-zA-Z0-9+.]*:/.*");

  /** The folders a run writes besides one per format. */
  private static final List<String> SIDE_FOLDERS = List.of("_rejected", "_validation", "_report");

  private Trainset() {}

  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("validate")) {
      return validate(List.of(args).subList(1, args.length), out, err);
    }
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(USAGE);
      return OK;
    }
    List<String> sets = new ArrayList<>();
    List<String> beamArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith(SET)) {
        sets.add(arg.substring(SET.length()));
      } else {
        beamArgs.add(arg);
      }
    }
    TrainsetOptions options;
    PipelineSpec spec;
    try {
      PipelineOptionsFactory.register(TrainsetOptions.class);
      options = PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
          .withValidation()
          .as(TrainsetOptions.class);
      if (beamArgs.stream().noneMatch(arg -> arg.startsWith("--runner="))) {
        useEmbeddedFlink(options);
      }
      FileSystems.setDefaultPipelineOptions(options);
      spec = SpecLoader.load(pipelineFile(options.getPipeline()), new SpecLoader.Overrides(
          orEmpty(options.getInput()), options.getOutputDir(), orEmpty(options.getFormats()), sets), Plugins.INSTANCE);
      spec = withAbsoluteInputs(spec);
      checkInputsExist(spec.input().paths());
    } catch (ConfigException e) {
      err.println("trainset: configuration error: " + e.getMessage());
      return CONFIG_ERROR;
    } catch (IllegalArgumentException e) {
      // Beam's own options parser: an unknown or malformed --option.
      err.println("trainset: configuration error: command line: " + e.getMessage());
      return CONFIG_ERROR;
    }
    return execute(options, spec, out, err);
  }

  private static int execute(TrainsetOptions options, PipelineSpec spec, PrintStream out, PrintStream err) {
    long start = System.currentTimeMillis();
    String runId = Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    OutputFolder folder = OutputFolder.of(spec.output().dir(), runId);
    try {
      Pipeline pipeline = Pipeline.create(options);
      TrainsetPipeline.Built built = TrainsetPipeline.build(pipeline, spec, folder.staging());
      LocalProgress.reset();
      // A progress line for a person at a terminal; logs and CI get only the summary.
      Thread progress =
          err == System.err && stderrIsTerminal() ? ProgressLine.report(err, PROGRESS_MILLIS) : null;
      PipelineResult.State state;
      try {
        state = pipeline.run().waitUntilFinish();
      } finally {
        if (progress != null) {
          progress.interrupt();
          progress.join();
        }
      }
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
      List<String> tally = folder.stagedLines(TrainsetPipeline.TALLY);
      RunStats stats = RunStats.fromTally(
          tally,
          List.copyOf(spec.split().ratios().keySet()),
          spec.output().formats());
      if (!spec.weights().freshness().field().isEmpty()) {
        stats.setFreshnessReference(built.freshnessReference());
      }
      folder.dropStaged(TrainsetPipeline.TALLY);
      writeTableFormatFiles(spec, folder);
      Map<String, RunStats.FormatFiles> files = new LinkedHashMap<>();
      for (String format : spec.output().formats()) {
        List<MatchResult.Metadata> written = folder.staged(format);
        files.put(format, new RunStats.FormatFiles(written.size(),
            written.stream().mapToLong(MatchResult.Metadata::sizeBytes).sum()));
      }
      String runner = options.getRunner().getSimpleName();
      JsonNode splitChecks = SplitChecks.from(
          tally, spec.split().ratios(), !spec.split().groupBy().isEmpty(), stats);
      int problems = readBack(spec, folder, stats, splitChecks);
      String statsJson = stats.toJson(spec.name(), runner, System.currentTimeMillis() - start, files);
      writeText(folder.staging() + "/_report/stats.json", statsJson);
      List<String> published = new ArrayList<>(spec.output().formats());
      published.addAll(SIDE_FOLDERS);
      folder.publish(published);
      out.printf("trainset: %s: %s in %.1f s on %s -> %s%n", spec.name(), stats.summary(),
          (System.currentTimeMillis() - start) / 1000.0, runner, folder.directory());
      if (problems > 0) {
        err.printf("trainset: the written files have %d problems; see %s/_report/validation.json%n",
            problems, folder.directory());
      }
      if (!spec.output().onComplete().isEmpty()) {
        return onComplete(spec.output().onComplete(), folder.directory(), statsJson, err);
      }
      return OK;
    } catch (Exception e) {
      folder.discard();
      err.println("trainset: the pipeline failed: " + rootMessage(e));
      return FAILED;
    }
  }

  /**
   * Reads every staged file back with its format's rules and writes what the validator found
   * ({@code _report/validation.json}), the OpenAI export's {@code metadata.json}, and the trainer
   * hand-off ({@code _report/llama_factory/dataset_info.json}, {@code _report/axolotl/<format>.yaml}).
   * Returns the number of problems found.
   */
  private static int readBack(PipelineSpec spec, OutputFolder folder, RunStats stats,
      JsonNode splitChecks) throws IOException {
    Map<String, OutputValidation.FormatResult> checked = new LinkedHashMap<>();
    TrainerHandoff handoff = new TrainerHandoff(spec.name(), folder.directory());
    ExampleTable table = ExampleTable.of(spec);
    int problems = 0;
    for (String format : spec.output().formats()) {
      List<MatchResult.Metadata> written = folder.staged(format).stream()
          .sorted(Comparator.comparing(file -> file.resourceId().toString()))
          .toList();
      OutputValidation.FormatResult result = ExampleRecords.FORMATS.contains(format)
          ? OutputValidation.notChecked(format)
          : OutputValidation.check(Formats.create(format, spec.output(), table), written,
              folder.staging());
      OutputValidation.expect(format, result, stats.formatRecords(format));
      checked.put(format, result);
      problems += result.problems().size();
      handoff.with(format, written.stream()
          .map(file -> file.resourceId().toString().substring(folder.staging().length() + 1))
          .toList());
    }
    writeText(folder.staging() + "/_report/validation.json",
        OutputValidation.toJson(checked, splitChecks));
    List<String> splits = List.copyOf(spec.split().ratios().keySet());
    String trainSplit = splits.contains("train") ? "train" : splits.get(0);
    String evalSplit = splits.contains("validation") ? "validation" : "test";
    if (checked.containsKey("openai")) {
      writeText(folder.staging() + "/openai/metadata.json", OpenaiMetadata.toJson(
          spec.output().openai(), checked.get("openai"), trainSplit, stats.formatInvalid("openai")));
    }
    if (!handoff.isEmpty()) {
      writeText(folder.staging() + "/_report/llama_factory/dataset_info.json", handoff.llamaFactory());
      for (String format : handoff.formats()) {
        writeText(folder.staging() + "/_report/axolotl/" + format + ".yaml",
            handoff.axolotl(format, trainSplit, evalSplit));
      }
    }
    return problems;
  }

  /**
   * Runs {@code output.on_complete} (an argv, no shell) with this process's environment plus
   * {@code TRAINSET_OUTPUT_DIR}; its output goes to stderr, its exit code into stats.json. A
   * command that fails makes the run exit 1, though the export stays published.
   */
  private static int onComplete(List<String> argv, String directory, String statsJson,
      PrintStream err) throws IOException, InterruptedException {
    int exit;
    try {
      ProcessBuilder command = new ProcessBuilder(argv).redirectErrorStream(true);
      command.environment().put("TRAINSET_OUTPUT_DIR", directory);
      Process process = command.start();
      process.getOutputStream().close();
      try (InputStream output = process.getInputStream()) {
        output.transferTo(err);
      }
      exit = process.waitFor();
    } catch (IOException e) {
      err.println("trainset: on_complete " + argv + " could not start: " + e.getMessage());
      exit = -1;
    }
    writeText(directory + "/_report/stats.json", RunStats.withOnComplete(statsJson, argv, exit));
    if (exit != 0) {
      err.println("trainset: on_complete " + argv + " exited " + exit + "; the export is published in "
          + directory);
      return FAILED;
    }
    return OK;
  }

  /**
   * {@code trainset validate --format=F [--set=output.K=V] PATH...}: checks existing files (or the
   * files of the format's extension in a folder) by the rules the run reads its own output back
   * with; one line per problem, then a summary. Exit 1 when a problem was found, 2 on bad usage.
   */
  static int validate(List<String> args, PrintStream out, PrintStream err) {
    String format = null;
    List<String> sets = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--format=")) {
        format = arg.substring("--format=".length());
      } else if (arg.startsWith(SET)) {
        sets.add(arg.substring(SET.length()));
      } else if (arg.startsWith("--")) {
        err.println("trainset: configuration error: validate: unknown option '" + arg + "'\n"
            + VALIDATE_USAGE);
        return CONFIG_ERROR;
      } else {
        paths.add(arg);
      }
    }
    if (format == null || paths.isEmpty()) {
      err.println("trainset: configuration error: validate: "
          + (format == null ? "--format=F is required" : "no PATH given") + "\n" + VALIDATE_USAGE);
      return CONFIG_ERROR;
    }
    OutputFormat checker;
    List<MatchResult.Metadata> files = new ArrayList<>();
    try {
      PipelineSpec.Output output = SpecLoader.loadOutputSettings(sets, Plugins.INSTANCE);
      if (!Formats.names().contains(format)) {
        throw ConfigException.notAllowed("--format", format, String.join(", ", Formats.names()));
      }
      // csv and the Parquet formats have no reader here (their columns come from a pipeline).
      checker = format.equals(CsvFormat.NAME) || ExampleRecords.FORMATS.contains(format)
          ? null : Formats.create(format, output);
      if (checker == null || checker.fileCheck() == null) {
        throw ConfigException.notAllowed("--format", format,
            "a format trainset can read back (this one has no reader)");
      }
      for (String path : paths) {
        files.addAll(filesToValidate(path, checker.extension()));
      }
    } catch (ConfigException e) {
      err.println("trainset: configuration error: " + e.getMessage());
      return CONFIG_ERROR;
    }
    // Files under the working directory are named relative to it, as a user typed them.
    OutputValidation.FormatResult result =
        OutputValidation.check(checker, files, Paths.get("").toAbsolutePath().toString());
    result.problems().forEach(out::println);
    out.printf("trainset validate: %s: %d files, %d records, %d problems%n",
        format, result.files(), result.records(), result.problems().size());
    return result.problems().isEmpty() ? OK : FAILED;
  }

  /** A file as given; in a folder, every file with the format's extension (compressed or not). */
  private static List<MatchResult.Metadata> filesToValidate(String path, String extension) {
    Path local = Paths.get(path);
    String spec = Files.isDirectory(local) ? local.toAbsolutePath() + "/**" : absoluteIfLocal(path);
    try {
      MatchResult match = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
      List<MatchResult.Metadata> files = match.status() == MatchResult.Status.OK
          ? match.metadata() : List.of();
      if (Files.isDirectory(local)) {
        files = files.stream()
            .filter(file -> String.valueOf(file.resourceId().getFilename())
                .matches(".*" + Pattern.quote(extension) + "(\\.gz|\\.zst)?"))
            .toList();
      }
      if (files.isEmpty()) {
        throw new ConfigException("PATH", "'" + path + "' matches no file"
            + (Files.isDirectory(local) ? " ending in " + extension : ""));
      }
      return files.stream()
          .sorted(Comparator.comparing(file -> file.resourceId().toString()))
          .toList();
    } catch (IOException e) {
      throw new ConfigException("PATH", "cannot list '" + path + "': " + e.getMessage());
    }
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
        new PipelineSpec.Input(paths, input.format(), input.idField(), input.kafka()),
        spec.fields(), spec.segment(), spec.quality(), spec.weights(), spec.split(), spec.output());
  }

  static String absoluteIfLocal(String glob) {
    if (WITH_SCHEME.matcher(glob).matches()) {
      return glob;
    }
    Path path = Paths.get(glob);
    return path.isAbsolute() ? glob : path.toAbsolutePath().toString();
  }

  private static void checkInputsExist(List<String> globs) {
    for (String glob : globs) {
      try {
        MatchResult match = FileSystems.match(glob, EmptyMatchTreatment.ALLOW);
        if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
          throw new ConfigException("input.paths", "'" + glob + "' matches no file");
        }
      } catch (IOException e) {
        throw new ConfigException("input.paths", "cannot list '" + glob + "': " + e.getMessage());
      }
    }
  }

  /**
   * The files of the tabular formats that describe the data rather than hold it: csv's {@code
   * data_dictionary.md}, and the huggingface dataset card, whose counts come from the written
   * files.
   */
  private static void writeTableFormatFiles(PipelineSpec spec, OutputFolder folder)
      throws IOException {
    ExampleTable table = ExampleTable.of(spec);
    if (spec.output().formats().contains(CsvFormat.NAME)) {
      writeText(folder.staging() + "/" + CsvFormat.NAME + "/data_dictionary.md",
          CsvFormat.of(spec.output(), table).dataDictionary(spec.name()));
    }
    if (!spec.output().formats().contains(ExampleRecords.HUGGINGFACE)) {
      return;
    }
    List<HuggingFaceCard.SplitFiles> splits = new ArrayList<>();
    List<MatchResult.Metadata> files = folder.staged(ExampleRecords.HUGGINGFACE + "/data");
    for (String split : spec.split().ratios().keySet()) {
      long examples = 0;
      long bytes = 0;
      for (MatchResult.Metadata file : files) {
        String name = file.resourceId().getFilename();
        if (name.matches(Pattern.quote(split) + "-\\d{5}-of-\\d{5}\\.parquet")) {
          examples += HuggingFaceCard.rowCount(file.resourceId());
          bytes += file.sizeBytes();
        }
      }
      // A split with no file would make the card's data_files pattern match nothing.
      if (bytes > 0) {
        splits.add(new HuggingFaceCard.SplitFiles(split, examples, bytes));
      }
    }
    Map<String, String> card = HuggingFaceCard.files(
        spec.name(), ExampleRecords.of(ExampleRecords.HUGGINGFACE, table), splits);
    for (Map.Entry<String, String> file : card.entrySet()) {
      writeText(folder.staging() + "/" + ExampleRecords.HUGGINGFACE + "/" + file.getKey(),
          file.getValue());
    }
  }

  private static void writeText(String path, String text) throws IOException {
    ResourceId file = FileSystems.matchNewResource(path, false);
    try (Writer writer =
        new OutputStreamWriter(
            Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT)),
            StandardCharsets.UTF_8)) {
      writer.write(text);
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

  /**
   * Beam and Flink log at INFO through java.util.logging; a user wants warnings only, and none
   * of the embedded Flink's warnings about its web dashboard and metric names. Pass {@code
   * -Djava.util.logging.config.file=...} to see everything.
   */
  private static void quietLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    String config = "handlers=java.util.logging.ConsoleHandler\n"
        + ".level=WARNING\n"
        + "java.util.logging.ConsoleHandler.level=WARNING\n"
        + "org.apache.flink.level=SEVERE\n"
        + "org.apache.hadoop.level=SEVERE\n";
    try {
      LogManager.getLogManager()
          .readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      // Logging stays as the JVM set it.
    }
  }
}
