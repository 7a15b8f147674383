package dev.trainset.report;

import dev.trainset.model.LocalProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongFunction;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress a person sees during an attached run, drawn by the progressbar library: how far
 * the run is (a percent with a bar, the time so far and the time left), then its running counts
 * with the records read per second. On a terminal it is one line, redrawn every second (the
 * library fits it to the terminal's width); in a log, a plain line every 30 seconds. The bytes'
 * own rate is left out: records per second say more, and the line stays short.
 *
 * <p>What "how far" means depends on where the workers are: on an embedded runner they share this
 * JVM and count in {@link LocalProgress}, so it is the input bytes read of the bytes matched at
 * launch (files; a bounded Kafka slice counts records of {@code max_records}); on a Flink cluster it
 * is the job's finished tasks of its tasks, from the REST API ({@link FlinkRestProgress}); a run
 * whose size is unknown (a streaming run) shows its counts without a percent.
 */
public final class ProgressLine implements AutoCloseable {
  /** How often the terminal line is redrawn. */
  public static final int TERMINAL_MILLIS = 1_000;
  /** How often a log gets a line. */
  public static final int LOG_MILLIS = 30_000;
  /** The longest line written to a log (a terminal's own width applies there). */
  static final int LOG_WIDTH = 160;
  /** How often the counts are read: this JVM's counters, or the cluster's REST API. */
  private static final long LOCAL_POLL_MILLIS = 500;
  private static final long CLUSTER_POLL_MILLIS = 2_000;

  /** One reading of a run's progress: how far of how much, and the counts to show beside it. */
  public record Reading(long done, String counts) {}

  private final ProgressBar bar;
  private final Thread poller;

  private ProgressLine(ProgressBar bar, Thread poller) {
    this.bar = bar;
    this.poller = poller;
  }

  /** The input-bytes progress of a run on an embedded runner; {@code totalBytes} 0: unknown. */
  public static ProgressLine local(PrintStream err, boolean terminal, long totalBytes) {
    return start(consumer(err, terminal), terminal, LOCAL_POLL_MILLIS, totalBytes, " MB", 1 << 20,
        elapsed -> new Reading(LocalProgress.bytesReadCount(), counts(LocalProgress.readCount(),
            LocalProgress.exportedCount(), LocalProgress.rejectedCount(), elapsed)));
  }

  /** The progress of a bounded Kafka slice: records read of {@code maxRecords}. */
  public static ProgressLine records(PrintStream err, boolean terminal, long maxRecords) {
    return start(consumer(err, terminal), terminal, LOCAL_POLL_MILLIS, maxRecords, " records", 1,
        elapsed -> new Reading(LocalProgress.readCount(), counts(LocalProgress.readCount(),
            LocalProgress.exportedCount(), LocalProgress.rejectedCount(), elapsed)));
  }

  /** The progress of a job on a Flink cluster: its finished tasks, and the counts it reports. */
  public static ProgressLine cluster(PrintStream err, boolean terminal, FlinkRestProgress job) {
    long[] tasks = {0};
    ProgressBarConsumer consumer = consumer(err, terminal);
    ProgressLine[] line = new ProgressLine[1];
    line[0] = start(consumer, terminal, CLUSTER_POLL_MILLIS, 0, " tasks", 1, elapsed -> {
      try {
        return job.poll().map(snapshot -> {
          if (snapshot.tasksTotal() > 0 && tasks[0] != snapshot.tasksTotal()) {
            tasks[0] = snapshot.tasksTotal();
            line[0].bar.maxHint(snapshot.tasksTotal());
          }
          return new Reading(snapshot.tasksFinished(), clusterCounts(snapshot));
        }).orElse(new Reading(0, "submitting the job to " + job.address()));
      } catch (IOException e) {
        return new Reading(line[0].bar.getCurrent(),
            "no progress from " + job.address() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Reading(line[0].bar.getCurrent(), line[0].bar.getExtraMessage());
      }
    });
    return line[0];
  }

  private static ProgressBarConsumer consumer(PrintStream err, boolean terminal) {
    return terminal ? new ConsoleProgressBarConsumer(err)
        : new DelegatingProgressBarConsumer(err::println, LOG_WIDTH);
  }

  private static ProgressLine start(ProgressBarConsumer consumer, boolean terminal,
      long pollMillis, long total, String unit, long unitSize, LongFunction<Reading> reading) {
    ProgressBarBuilder builder = new ProgressBarBuilder()
        .setTaskName("trainset")
        .setInitialMax(total > 0 ? total : -1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(terminal ? TERMINAL_MILLIS : LOG_MILLIS)
        .setConsumer(consumer)
        .setUnit(unit, unitSize);
    ProgressBar bar = builder.build();
    long start = System.currentTimeMillis();
    Thread poller = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          update(bar, reading.apply(System.currentTimeMillis() - start), total);
          Thread.sleep(pollMillis);
        }
      } catch (InterruptedException done) {
        // The run ended.
      }
    }, "trainset-progress");
    poller.setDaemon(true);
    ProgressLine line = new ProgressLine(bar, poller);
    poller.start();
    return line;
  }

  private static void update(ProgressBar bar, Reading reading, long total) {
    bar.stepTo(total > 0 ? Math.min(reading.done(), total) : reading.done());
    bar.setExtraMessage(reading.counts());
  }

  /** Stops updating and closes the line (a terminal's line is finished with a line break). */
  @Override
  public void close() throws InterruptedException {
    poller.interrupt();
    poller.join();
    bar.close();
  }

  /** {@code read 120000 (4800/s), exported 110000, rejected 5000}. */
  static String counts(long read, long exported, long rejected, long elapsedMillis) {
    long seconds = Math.max(1, elapsedMillis / 1000);
    return String.format(Locale.ROOT, "read %d (%d/s), exported %d, rejected %d",
        read, read / seconds, exported, rejected);
  }

  /** {@code job RUNNING 23 s, read 38 (1/s), exported 0, rejected 5}. */
  static String clusterCounts(FlinkRestProgress.Snapshot job) {
    long seconds = Math.max(1, job.runningMillis() / 1000);
    return String.format(Locale.ROOT, "job %s %d s, read %s (%s/s), exported %s, rejected %s",
        job.state(), job.runningMillis() / 1000, known(job.read()),
        job.read() < 0 ? "?" : job.read() / seconds, known(job.exported()),
        known(job.rejected()));
  }

  private static String known(long count) {
    return count < 0 ? "?" : Long.toString(count);
  }
}
