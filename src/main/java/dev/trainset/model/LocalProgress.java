package dev.trainset.model;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running counts for the progress line of a run on an embedded runner, where the workers share
 * the driver's JVM: ReadDocuments, the rejections and WriteFormats count here as they go. On a
 * cluster the workers count in their own JVMs, and the progress comes from the cluster instead
 * ({@code report.ProgressLine} shows either). Nothing here is read by the pipeline: it is for the
 * person watching; the report's numbers come from the in-pipeline tally.
 */
public final class LocalProgress {
  private static final LongAdder READ = new LongAdder();
  private static final LongAdder EXPORTED = new LongAdder();
  private static final LongAdder REJECTED = new LongAdder();
  private static final LongAdder BYTES_READ = new LongAdder();

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

  /** Input bytes read (before decompression), as the readers take them from their files. */
  public static void bytesRead(long bytes) {
    BYTES_READ.add(bytes);
  }

  /** Sets the counts back to zero, at the start of a run. */
  public static void reset() {
    READ.reset();
    EXPORTED.reset();
    REJECTED.reset();
    BYTES_READ.reset();
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

  public static long bytesReadCount() {
    return BYTES_READ.sum();
  }
}
