package dev.trainset.write;

import org.apache.beam.sdk.io.Compression;

/**
 * Names output files {@code <prefix>-SSSSS-of-NNNNN<ext>[.gz|.zst]}, as README's "What a run
 * writes" lays them out; a prefix may hold folders ({@code jsonl/train}). A window of a
 * streaming run has its own folder (see OrderedShards), so its files are named as a batch run's.
 */
final class ShardNaming {
  private final String prefix;
  private final String extension;

  ShardNaming(String prefix, String extension) {
    this.prefix = prefix;
    this.extension = extension;
  }

  /** The name of file {@code shardIndex} (from 0) of {@code numShards}. */
  String name(int shardIndex, int numShards, Compression compression) {
    return String.format(
        "%s-%05d-of-%05d%s%s",
        prefix, shardIndex, numShards, extension, compression.getSuggestedSuffix());
  }
}
