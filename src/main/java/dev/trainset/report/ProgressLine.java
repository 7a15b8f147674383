package dev.trainset.report;

import dev.trainset.model.LocalProgress;
import java.io.PrintStream;
import java.util.Locale;

/** The progress line a person at a terminal sees during a run, from {@link LocalProgress}. */
public final class ProgressLine {
  private ProgressLine() {}

  /**
   * Prints {@link #line} to {@code err} every {@code periodMillis} until interrupted, on one
   * terminal line that each print overwrites; returns the thread doing it.
   */
  public static Thread report(PrintStream err, long periodMillis) {
    long start = System.currentTimeMillis();
    Thread printer = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(periodMillis);
          err.print("\r" + line(LocalProgress.readCount(), LocalProgress.exportedCount(),
              LocalProgress.rejectedCount(),
              System.currentTimeMillis() - start));
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
