package dev.trainset;

import dev.trainset.config.ConfigException;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.formats.OutputFormat;
import dev.trainset.report.OutputValidation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * {@code trainset validate --format=F [--set=output.K=V] PATH...}: checks existing files (or the
 * files of the format's extension in a folder) by the rules the run reads its own output back
 * with; one line per problem, one per warning (not a problem: the exit code ignores it), then a
 * summary. Exit 1 when a problem was found, 2 on bad usage.
 */
final class ValidateCommand {
  static final String USAGE =
      "usage: java -jar trainset.jar validate --format=FORMAT [--set=output.KEY=VALUE] PATH...";

  private ValidateCommand() {}

  /** Checks the files {@code args} (what follows {@code validate}) name; returns the exit code. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    String format = null;
    List<String> sets = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--format=")) {
        format = arg.substring("--format=".length());
      } else if (arg.startsWith(Trainset.SET)) {
        sets.add(arg.substring(Trainset.SET.length()));
      } else if (arg.startsWith("--")) {
        err.println("trainset: configuration error: validate: unknown option '" + arg + "'\n"
            + USAGE);
        return Trainset.CONFIG_ERROR;
      } else {
        paths.add(arg);
      }
    }
    if (format == null || paths.isEmpty()) {
      err.println("trainset: configuration error: validate: "
          + (format == null ? "--format=F is required" : "no PATH given") + "\n" + USAGE);
      return Trainset.CONFIG_ERROR;
    }
    OutputFormat checker;
    List<MatchResult.Metadata> files = new ArrayList<>();
    try {
      PipelineSpec.Output output = SpecLoader.loadOutputSettings(sets, Plugins.INSTANCE);
      String name = format;
      FormatDescriptor descriptor = Formats.find(name).orElseThrow(() ->
          ConfigException.notAllowed("--format", name, String.join(", ", Formats.names())));
      // csv and the Parquet formats have no reader here (their columns come from a pipeline).
      checker = descriptor.reader(output).orElseThrow(() -> ConfigException.notAllowed("--format",
          name, "a format trainset can read back (this one has no reader)"));
      for (String path : paths) {
        files.addAll(filesToValidate(path, checker.extension()));
      }
    } catch (ConfigException e) {
      err.println("trainset: configuration error: " + e.getMessage());
      return Trainset.CONFIG_ERROR;
    }
    // Files under the working directory are named relative to it, as a user typed them.
    OutputValidation.FormatResult result =
        OutputValidation.check(checker, files, Paths.get("").toAbsolutePath().toString());
    result.problems().forEach(out::println);
    result.warnings().forEach(warning -> out.println("warning: " + warning));
    out.printf("trainset validate: %s: %d files, %d records, %d problems, %d warnings%n",
        format, result.files(), result.records(), result.problems().size(),
        result.warnings().size());
    return result.problems().isEmpty() ? Trainset.OK : Trainset.FAILED;
  }

  /** A file as given; in a folder, every file with the format's extension (compressed or not). */
  private static List<MatchResult.Metadata> filesToValidate(String path, String extension) {
    Path local = Paths.get(path);
    String spec =
        Files.isDirectory(local) ? local.toAbsolutePath() + "/**" : Trainset.absoluteIfLocal(path);
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
}
