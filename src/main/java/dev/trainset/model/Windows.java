package dev.trainset.model;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;

/**
 * Where a window's export goes. A batch run (the global window) writes into the output folder
 * itself; each window of a streaming run is one complete export in its own folder, {@code
 * <dir>/window=<UTC start, yyyy-MM-ddTHH-mm-ssZ>/}, laid out as a batch run's output is.
 */
public final class Windows {
  /** The staging folder's name starts so in every output folder (see finish.OutputFolder). */
  public static final String STAGING_PREFIX = ".staging-";

  private static final DateTimeFormatter START =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC);

  private Windows() {}

  /** {@code window=<UTC start>} for a window of a streaming run; empty for the global window. */
  public static String folder(BoundedWindow window) {
    if (window instanceof GlobalWindow) {
      return "";
    }
    if (window instanceof IntervalWindow interval) {
      return "window=" + START.format(java.time.Instant.ofEpochMilli(interval.start().getMillis()));
    }
    throw new IllegalArgumentException("trainset exports the global window or fixed windows, not "
        + window.getClass().getSimpleName());
  }

  /**
   * {@code path} (a folder or file under a run's output folder) as it is for {@code window}: the
   * window's folder goes in before the staging folder ({@code <dir>/.staging-r/jsonl} becomes
   * {@code <dir>/window=.../.staging-r/jsonl}), or at the end of a path without one.
   */
  public static String place(String path, BoundedWindow window) {
    String folder = folder(window);
    if (folder.isEmpty()) {
      return path;
    }
    int staging = path.indexOf("/" + STAGING_PREFIX);
    return staging < 0
        ? path + "/" + folder
        : path.substring(0, staging) + "/" + folder + path.substring(staging);
  }
}
