package dev.trainset.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running counts for the progress line of a run on an embedded runner, where the workers share
 * the driver's JVM: ReadDocuments, the rejections and WriteFormats count here as they go. On a
 * cluster the workers count in their own JVMs and the driver's line stays at zero but for the
 * elapsed time. Nothing here is read by the pipeline: it is for the person watching; the
 * report's numbers come from the in-pipeline tally.
 */
public final class LocalProgress {
  private static final LongAdder READ = new LongAdder();
  private static final LongAdder EXPORTED = new LongAdder();
  private static final LongAdder REJECTED = new LongAdder();

  private LocalProgress() {}

  public static void read() {
    READ.increment();
  }

  public static void exported() {
    EXPORTED.increment();
  }

  public static void rejected() {
    REJECTED.increment();
  }

  /** Sets the counts back to zero, at the start of a run. */
  public static void reset() {
    READ.reset();
    EXPORTED.reset();
    REJECTED.reset();
  }

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
          err.print("\r" + line(READ.sum(), EXPORTED.sum(), REJECTED.sum(),
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
