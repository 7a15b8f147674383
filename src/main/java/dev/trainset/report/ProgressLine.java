package dev.trainset.report;

import dev.trainset.model.LocalProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
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

  /** {@link Reading#done()} when a reading does not know how far the run is. */
  static final long UNCHANGED = -1;

  /**
   * One reading of a run's progress: how far ({@link #UNCHANGED}: as before), of how much (0: as
   * the line was started with, or as the last reading said), and the counts to show beside it.
   */
  public record Reading(long done, long total, String counts) {
    Reading(long done, String counts) {
      this(done, 0, counts);
    }
  }

  private final ProgressBar bar;
  private final Thread poller;

  private ProgressLine(ProgressBar bar, Thread poller) {
    this.bar = bar;
    this.poller = poller;
  }

  /** The input-bytes progress of a run on an embedded runner; {@code totalBytes} 0: unknown. */
  public static ProgressLine local(PrintStream err, boolean terminal, long totalBytes) {
    // Under a megabyte the bar counts kilobytes: whole megabytes would read 0/0.
    boolean small = totalBytes > 0 && totalBytes < 1 << 20;
    return start(consumer(err, terminal), terminal, LOCAL_POLL_MILLIS, totalBytes,
        small ? " KB" : " MB", small ? 1 << 10 : 1 << 20,
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
    return start(consumer(err, terminal), terminal, CLUSTER_POLL_MILLIS, 0, " tasks", 1,
        elapsed -> clusterReading(job));
  }

  /** The job's finished tasks of its tasks; before the job is known, or on an error, only text. */
  static Reading clusterReading(FlinkRestProgress job) {
    try {
      return job.poll()
          .map(snapshot -> new Reading(snapshot.tasksFinished(), snapshot.tasksTotal(),
              clusterCounts(snapshot)))
          .orElse(new Reading(UNCHANGED, 0, "submitting the job to " + job.address()));
    } catch (IOException e) {
      return new Reading(UNCHANGED, 0, "no progress from " + job.address() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reading(UNCHANGED, 0, "stopped asking " + job.address());
    }
  }

  private static ProgressBarConsumer consumer(PrintStream err, boolean terminal) {
    if (terminal) {
      return new ConsoleProgressBarConsumer(err);
    }
    return new DelegatingProgressBarConsumer(new OncePerLine(err), LOG_WIDTH);
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
          update(bar, reading.apply(System.currentTimeMillis() - start));
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

  private static void update(ProgressBar bar, Reading reading) {
    if (reading.total() > 0 && reading.total() != bar.getMax()) {
      bar.maxHint(reading.total());
    }
    if (reading.done() != UNCHANGED) {
      long max = bar.getMax();
      bar.stepTo(max > 0 ? Math.min(reading.done(), max) : reading.done());
    }
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

  /** Prints a log's lines, a line equal to the one before it once: closing draws the bar again. */
  private static final class OncePerLine implements Consumer<String> {
    private final PrintStream err;
    private String last = "";

    OncePerLine(PrintStream err) {
      this.err = err;
    }

    @Override
    public void accept(String line) {
      if (!line.equals(last)) {
        err.println(line);
        last = line;
      }
    }
  }
}
