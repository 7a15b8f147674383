package dev.trainset.model;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running counts for the progress line of a run on an embedded runner, where the workers share
 * the driver's JVM: ReadDocuments, the rejections and WriteFormats count here as they go. On a
 * cluster the workers count in their own JVMs and the driver's line stays at zero but for the
 * elapsed time ({@code report.ProgressLine} prints them). Nothing here is read by the pipeline: it is for the person watching; the
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

  public static long readCount() {
    return READ.sum();
  }

  public static long exportedCount() {
    return EXPORTED.sum();
  }

  public static long rejectedCount() {
    return REJECTED.sum();
  }
}
