package dev.trainset.report;

import dev.trainset.model.LocalProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The progress line a person at a terminal sees during a run: from {@link LocalProgress} on an
 * embedded runner, from the cluster's REST API ({@link FlinkRestProgress}) on a Flink cluster.
 */
public final class ProgressLine {
  private ProgressLine() {}

  /**
   * Prints {@link #line} to {@code err} every {@code periodMillis} until interrupted, on one
   * terminal line that each print overwrites; returns the thread doing it.
   */
  public static Thread report(PrintStream err, long periodMillis) {
    return every(err, periodMillis, elapsed -> line(LocalProgress.readCount(),
        LocalProgress.exportedCount(), LocalProgress.rejectedCount(), elapsed));
  }

  /**
   * Like {@link #report(PrintStream, long)}, with the counts of the job on a Flink cluster: the
   * launching process only waits there, the workers count.
   */
  public static Thread report(PrintStream err, long periodMillis, FlinkRestProgress job) {
    return every(err, periodMillis, elapsed -> {
      try {
        return job.poll().map(snapshot -> FlinkRestProgress.line(snapshot, elapsed))
            .orElse(String.format(Locale.ROOT, "trainset: %d s, submitting the job to %s",
                elapsed / 1000, job.address()));
      } catch (IOException e) {
        return String.format(Locale.ROOT, "trainset: %d s, no progress from %s: %s",
            elapsed / 1000, job.address(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    });
  }

  private static Thread every(PrintStream err, long periodMillis, LongFunction<String> line) {
    long start = System.currentTimeMillis();
    Thread printer = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(periodMillis);
          String text = line.apply(System.currentTimeMillis() - start);
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
          }
          err.print("\r\033[K" + text);
          err.flush();
        }
      } catch (InterruptedException done) {
        err.print("\r\033[K");
        err.flush();
      }
    }, "trainset-progress");
    printer.setDaemon(true);
    printer.start();
    return printer;
  }

  /** {@code trainset: 25 s, read 120000 (4800/s), exported 110000, rejected 5000}. */
  static String line(long read, long exported, long rejected, long elapsedMillis) {
    long seconds = Math.max(1, elapsedMillis / 1000);
    return String.format(Locale.ROOT, "trainset: %d s, read %d (%d/s), exported %d, rejected %d",
        elapsedMillis / 1000, read, read / seconds, exported, rejected);
  }
}
