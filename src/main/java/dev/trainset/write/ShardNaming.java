package dev.trainset.write;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;

/**
 * Names output files {@code <prefix>-SSSSS-of-NNNNN<ext>[.gz|.zst]}, as README's "What a run
 * writes" lays them out; a prefix may hold folders ({@code jsonl/train}). Files of a window of
 * unbounded input also carry the window's bounds, so windows never overwrite each other.
 */
final class ShardNaming implements FileIO.Write.FileNaming {
  /** Shards per window when the input is unbounded and the runner cannot choose. */
  static final int STREAMING_SHARDS = 1;

  private final String prefix;
  private final String extension;

  ShardNaming(String prefix, String extension) {
    this.prefix = prefix;
    this.extension = extension;
  }

  @Override
  public String getFilename(
      BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
    String windowPart = "";
    if (!(window instanceof GlobalWindow)) {
      windowPart = window instanceof IntervalWindow interval
          ? "-" + interval.start() + "-" + interval.end()
          : "-" + window.maxTimestamp();
      windowPart = windowPart.replace(':', '-') + "-pane" + pane.getIndex();
    }
    return String.format(
        "%s%s-%05d-of-%05d%s%s",
        prefix, windowPart, shardIndex, numShards, extension, compression.getSuggestedSuffix());
  }
}
