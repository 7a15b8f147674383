package dev.trainset.write;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;

/**
 * Names output files {@code <prefix>-SSSSS-of-NNNNN<ext>[.gz|.zst]}, as README's "What a run
 * writes" lays them out; a prefix may hold folders ({@code jsonl/train}). A window of a
 * streaming run has its own folder (see OrderedShards), so its files are named as a batch run's.
 */
final class ShardNaming implements FileIO.Write.FileNaming {
  private final String prefix;
  private final String extension;

  ShardNaming(String prefix, String extension) {
    this.prefix = prefix;
    this.extension = extension;
  }

  @Override
  public String getFilename(
      BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
    return String.format(
        "%s-%05d-of-%05d%s%s",
        prefix, shardIndex, numShards, extension, compression.getSuggestedSuffix());
  }
}
