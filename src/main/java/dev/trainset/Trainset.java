package dev.trainset;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.logging.LogManager;
import java.util.regex.Pattern;

/**
 * The command line: {@code java -jar trainset.jar --pipeline=FILE [overrides] [Beam options]}
 * ({@link RunCommand}) or {@code java -jar trainset.jar validate ...} ({@link ValidateCommand}).
 * Exit status 0 on success, 2 on a configuration error (before any data is read), 1 on a
 * pipeline failure.
 */
public final class Trainset {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int CONFIG_ERROR = 2;

  /** The prefix of an override of one pipeline file key, in both commands. */
  static final String SET = "--set=";

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

  /** How Beam's FileSystems tell a path with a scheme (gs://, file:/, s3://) from a local one. */
  private static final Pattern WITH_SCHEME = Pattern.compile("^[a-zA-Z][-a-zA-Z0-9+.]*:/.*");

  private Trainset() {}

  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("validate")) {
      return ValidateCommand.run(List.of(args).subList(1, args.length), out, err);
    }
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(USAGE);
      return OK;
    }
    return RunCommand.run(args, out, err);
  }

  /**
   * A path or glob as a user typed it: a relative local one resolved against this process's
   * working directory, since workers and Beam's FileSystems run elsewhere; one with a scheme, or
   * absolute, as given.
   */
  static String absoluteIfLocal(String glob) {
    if (WITH_SCHEME.matcher(glob).matches()) {
      return glob;
    }
    Path path = Paths.get(glob);
    return path.isAbsolute() ? glob : path.toAbsolutePath().toString();
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
