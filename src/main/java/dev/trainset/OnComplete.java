package dev.trainset;

import dev.trainset.finish.OutputFolder;
import dev.trainset.report.RunStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code output.on_complete}: an argv (no shell) run once the export is published, with this
 * process's environment plus {@code TRAINSET_OUTPUT_DIR}; its output goes to stderr, its exit code
 * into stats.json. It runs in the launching process, so only attached batch runs have it.
 */
final class OnComplete {
  private OnComplete() {}

  /**
   * Runs {@code argv} on the export published in {@code folder}, and rewrites its stats.json
   * ({@code statsJson}) with the exit code. A command that fails makes the run exit 1, though the
   * export stays published.
   */
  static int run(List<String> argv, OutputFolder folder, String statsJson, PrintStream err)
      throws IOException, InterruptedException {
    String directory = folder.directory();
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
    folder.writePublished("_report/stats.json", RunStats.withOnComplete(statsJson, argv, exit));
    if (exit != 0) {
      err.println("trainset: on_complete " + argv + " exited " + exit
          + "; the export is published in " + directory);
      return Trainset.FAILED;
    }
    return Trainset.OK;
  }
}
