package dev.trainset.write;

import dev.trainset.model.CountEach;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import dev.trainset.model.Windows;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Writes records to files whose names and bytes depend only on the records, not on the runner,
 * its parallelism or bundle order: the same input gives byte-identical files on every runner.
 * Input is {@code KV<destination, KV<sort key, record>>}; a destination is a file prefix ({@code
 * jsonl/train}), files are {@code <directory>/<destination>-SSSSS-of-NNNNN<ext>}.
 *
 * <p>How: the records of a destination are counted; a destination of {@code n} records gets
 * {@code ceil(n / shardRecords)} shards and each record the shard its sort key hashes to. One
 * worker sorts one shard in memory (by sort key, ties by the record's encoded bytes) and writes it
 * as one file, or as several of at most {@code maxRecordsPerFile} records each; a second count of
 * the shard sizes tells every worker the file numbers. So memory holds one shard (about {@code
 * shardRecords} records), never a destination.
 *
 * <p>A record's <em>index</em> is its rank in its destination's order: the records of earlier
 * shards, then its rank in its own shard. {@link #toIndexed} hands each file's sink the index of
 * its first record, and {@link #withIndexRange} writes only the records whose index lies in a
 * range (file numbers then count only the files that hold some).
 *
 * <p>Unbounded input is written the same way, window by window (the counts, the shards and the
 * sort are all per window): a window's files go to its own folder ({@link Windows#place}), so a
 * window of a streaming run is written exactly as a batch run with its records would be, and a
 * replayed window rewrites the same bytes. Only {@link #toIndexed} needs a whole, bounded input.
 * Files are written in place: the caller writes into a staging folder that is published only
 * when the run (or the window) succeeds, and a retried shard rewrites the same bytes.
 */
public final class OrderedShards<V>
    extends PTransform<PCollection<KV<String, KV<String, V>>>, PCollection<KV<String, String>>> {
  /** Records per shard when files are not capped lower: what one worker sorts in memory. */
  public static final long SHARD_RECORDS = 50_000;

  private final String directory;
  private final Coder<V> recordCoder;
  private final IndexedSinks<V> sinks;
  private final SerializableFunction<String, String> extensions;
  private final Compression compression;
  private final long maxRecordsPerFile;
  private final long firstIndex;
  private final long endIndex;
  private final boolean indexed;
  private final Grain grain;

  /**
   * Makes the sink of one file from its destination, the index of its first record and the
   * number of records of the whole destination.
   */
  @FunctionalInterface
  public interface IndexedSinks<V> extends Serializable {
    FileIO.Sink<V> sink(String destination, long firstIndex, long destinationSize);
  }

  private OrderedShards(String directory, Coder<V> recordCoder, IndexedSinks<V> sinks,
      SerializableFunction<String, String> extensions, Compression compression,
      long maxRecordsPerFile, long firstIndex, long endIndex, boolean indexed, Grain grain) {
    this.directory = directory;
    this.recordCoder = recordCoder;
    this.sinks = sinks;
    this.extensions = extensions;
    this.compression = compression;
    this.maxRecordsPerFile = maxRecordsPerFile;
    this.firstIndex = firstIndex;
    this.endIndex = endIndex;
    this.indexed = indexed;
    this.grain = grain;
  }

  /**
   * Writes under {@code directory}, each destination's files through the sink and with the file
   * extension (with its dot) the functions give for it; uncompressed, no cap on records per file.
   */
  public static <V> OrderedShards<V> to(String directory, Coder<V> recordCoder,
      SerializableFunction<String, FileIO.Sink<V>> sinks,
      SerializableFunction<String, String> extensions) {
    return new OrderedShards<>(directory, recordCoder,
        (destination, first, size) -> sinks.apply(destination), extensions,
        Compression.UNCOMPRESSED, 0,
        0, Long.MAX_VALUE, false, Grain.FINE);
  }

  /**
   * As {@link #to}, for files whose bytes depend on where their records stand in the order (the
   * tokens format writes each record's index): the sink is made per file, knowing the index of
   * the file's first record.
   */
  public static <V> OrderedShards<V> toIndexed(String directory, Coder<V> recordCoder,
      IndexedSinks<V> sinks, SerializableFunction<String, String> extensions) {
    return new OrderedShards<>(directory, recordCoder, sinks, extensions,
        Compression.UNCOMPRESSED, 0, 0, Long.MAX_VALUE, true, Grain.FINE);
  }

  public OrderedShards<V> withCompression(Compression newCompression) {
    return new OrderedShards<>(directory, recordCoder, sinks, extensions, newCompression,
        maxRecordsPerFile, firstIndex, endIndex, indexed, grain);
  }

  /** Writes only the records whose index is in {@code [start, end)}, in every destination. */
  public OrderedShards<V> withIndexRange(long start, long end) {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "an index range needs 0 <= start <= end, got [" + start + ", " + end + ")");
    }
    return new OrderedShards<>(directory, recordCoder, sinks, extensions, compression,
        maxRecordsPerFile, start, end, indexed, grain);
  }

  /** At most {@code max} records per file; 0 for no cap (files then hold about one shard). */
  public OrderedShards<V> withMaxRecordsPerFile(long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max records per file must be >= 0, got " + max);
    }
    return new OrderedShards<>(directory, recordCoder, sinks, extensions, compression, max,
        firstIndex, endIndex, indexed, grain);
  }

  /**
   * At {@link Grain#COARSE} (the DirectRunner) a destination is one group that its worker cuts
   * into the same shards and files: no count waits as a side input, which the DirectRunner
   * retries bundle by bundle until the count is there. The files are the same at either grain.
   */
  public OrderedShards<V> withGrain(Grain newGrain) {
    return new OrderedShards<>(directory, recordCoder, sinks, extensions, compression,
        maxRecordsPerFile, firstIndex, endIndex, indexed, newGrain);
  }

  /** For each file written, {@code KV<destination, the file's full path>}. */
  @Override
  public PCollection<KV<String, String>> expand(PCollection<KV<String, KV<String, V>>> records) {
    if (indexed && records.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      throw new IllegalArgumentException("indexes count a whole destination: bounded input only");
    }
    long shardRecords = maxRecordsPerFile > 0 ? Math.min(maxRecordsPerFile, SHARD_RECORDS)
        : SHARD_RECORDS;
    if (grain == Grain.COARSE) {
      return records
          .apply("GroupDestinations", GroupByKey.create())
          .apply("WriteDestinations", ParDo.of(new WriteDestinationFn<>(this, shardRecords)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    }
    KvCoder<String, Integer> shardCoder = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
    PCollectionView<Map<String, Long>> destinationSizes = records
        .apply("Destinations", Keys.create())
        .apply("CountDestinations", CountEach.perElement())
        .apply("DestinationSizes", View.asMap());
    PCollection<KV<KV<String, Integer>, KV<String, V>>> sharded = records
        .apply("Shard", ParDo.of(new ShardFn<V>(destinationSizes, shardRecords))
            .withSideInputs(destinationSizes))
        .setCoder(KvCoder.of(shardCoder, KvCoder.of(StringUtf8Coder.of(), recordCoder)));
    PCollectionView<Map<KV<String, Integer>, Long>> shardSizes = sharded
        .apply("Shards", Keys.create())
        .apply("CountShards", CountEach.perElement())
        .apply("ShardSizes", View.asMap());
    return sharded
        .apply("GroupShards", GroupByKey.create())
        .apply("WriteShards", ParDo.of(new WriteFn<>(this, destinationSizes, shardSizes, shardRecords))
            .withSideInputs(destinationSizes, shardSizes))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  static int shardCount(long records, long shardRecords) {
    return (int) Math.max(1, (records + shardRecords - 1) / shardRecords);
  }

  /** How many of the indexes {@code [offset, offset + size)} lie in {@code [start, end)}. */
  static long selected(long offset, long size, long start, long end) {
    return Math.max(0, Math.min(offset + size, end) - Math.max(offset, start));
  }

  /**
   * Files a shard of {@code records} is written as: none when no record hashed to it, else one,
   * or as many as the cap needs.
   */
  static int filesFor(long records, long maxRecordsPerFile) {
    if (records == 0) {
      return 0;
    }
    return maxRecordsPerFile <= 0 ? 1 : (int) ((records + maxRecordsPerFile - 1) / maxRecordsPerFile);
  }

  static final class ShardFn<V> extends DoFn<KV<String, KV<String, V>>, KV<KV<String, Integer>, KV<String, V>>> {
    private final PCollectionView<Map<String, Long>> sizes;
    private final long shardRecords;

    ShardFn(PCollectionView<Map<String, Long>> sizes, long shardRecords) {
      this.sizes = sizes;
      this.shardRecords = shardRecords;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      KV<String, KV<String, V>> record = context.element();
      int shards = shardCount(context.sideInput(sizes).get(record.getKey()), shardRecords);
      int shard = shardOf(record.getValue().getKey(), shards);
      context.output(KV.of(KV.of(record.getKey(), shard), record.getValue()));
    }
  }

  static final class WriteFn<V> extends DoFn<KV<KV<String, Integer>, Iterable<KV<String, V>>>, KV<String, String>> {
    private final OrderedShards<V> spec;
    private final PCollectionView<Map<String, Long>> destinationSizes;
    private final PCollectionView<Map<KV<String, Integer>, Long>> shardSizes;
    private final long shardRecords;

    WriteFn(OrderedShards<V> spec, PCollectionView<Map<String, Long>> destinationSizes,
        PCollectionView<Map<KV<String, Integer>, Long>> shardSizes, long shardRecords) {
      this.spec = spec;
      this.destinationSizes = destinationSizes;
      this.shardSizes = shardSizes;
      this.shardRecords = shardRecords;
    }

    @ProcessElement
    public void process(ProcessContext context, BoundedWindow window) throws IOException {
      String destination = context.element().getKey().getKey();
      Map<KV<String, Integer>, Long> sizes = context.sideInput(shardSizes);
      long destinationSize = context.sideInput(destinationSizes).get(destination);
      spec.writeShard(Windows.place(spec.directory, window), destination,
          context.element().getKey().getValue(), context.element().getValue(),
          s -> sizes.getOrDefault(KV.of(destination, s), 0L), destinationSize, shardRecords,
          context::output);
    }
  }

  /** Coarse grain: one destination's records, cut into its shards and written shard by shard. */
  static final class WriteDestinationFn<V>
      extends DoFn<KV<String, Iterable<KV<String, V>>>, KV<String, String>> {
    private final OrderedShards<V> spec;
    private final long shardRecords;

    WriteDestinationFn(OrderedShards<V> spec, long shardRecords) {
      this.spec = spec;
      this.shardRecords = shardRecords;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<KV<String, V>>> destination,
        BoundedWindow window, OutputReceiver<KV<String, String>> out) throws IOException {
      List<KV<String, V>> all = new ArrayList<>();
      destination.getValue().forEach(all::add);
      int shards = shardCount(all.size(), shardRecords);
      List<List<KV<String, V>>> byShard = new ArrayList<>();
      for (int s = 0; s < shards; s++) {
        byShard.add(new ArrayList<>());
      }
      for (KV<String, V> record : all) {
        byShard.get(shardOf(record.getKey(), shards)).add(record);
      }
      for (int shard = 0; shard < shards; shard++) {
        if (!byShard.get(shard).isEmpty()) {
          spec.writeShard(Windows.place(spec.directory, window), destination.getKey(), shard,
              byShard.get(shard), s -> byShard.get(s).size(), all.size(), shardRecords,
              out::output);
        }
      }
    }
  }

  /** The shard of {@code shards} a record's sort key hashes to. */
  static int shardOf(String sortKey, int shards) {
    return (int) (Hashes.unitInterval(0, sortKey) * shards);
  }

  /**
   * Sorts one shard of a destination and writes it as its files, numbered from the sizes of the
   * destination's other shards; gives {@code KV<destination, path>} for each file.
   */
  private void writeShard(String directory, String destination, int shard,
      Iterable<KV<String, V>> shardRecords, IntToLongFunction shardSize, long destinationSize,
      long recordsPerShard, Consumer<KV<String, String>> out) throws IOException {
    int shards = shardCount(destinationSize, recordsPerShard);
    int firstFile = 0;
    int totalFiles = 0;
    long offset = 0;
    long shardOffset = 0;
    for (int s = 0; s < shards; s++) {
      long size = shardSize.applyAsLong(s);
      int files = filesFor(selected(offset, size, firstIndex, endIndex), maxRecordsPerFile);
      if (s < shard) {
        firstFile += files;
      } else if (s == shard) {
        shardOffset = offset;
      }
      totalFiles += files;
      offset += size;
    }
    List<KV<String, V>> all = new ArrayList<>();
    shardRecords.forEach(all::add);
    sort(all, recordCoder);
    int skipped = (int) Math.min(all.size(), Math.max(0, firstIndex - shardOffset));
    long first = shardOffset + skipped;
    List<KV<String, V>> records = all.subList(skipped,
        (int) Math.max(skipped, Math.min(all.size(), endIndex - shardOffset)));
    int files = filesFor(records.size(), maxRecordsPerFile);
    ShardNaming naming = new ShardNaming(destination, extensions.apply(destination));
    for (int part = 0; part < files; part++) {
      // Even parts: ranks [part * n / files, (part + 1) * n / files).
      int from = (int) ((long) part * records.size() / files);
      int to = (int) ((long) (part + 1) * records.size() / files);
      String name = naming.name(firstFile + part, totalFiles, compression);
      write(directory + "/" + name, sinks.sink(destination, first + from, destinationSize),
          records.subList(from, to));
      out.accept(KV.of(destination, directory + "/" + name));
    }
  }

  private void write(String path, FileIO.Sink<V> sink, List<KV<String, V>> records)
      throws IOException {
    ResourceId file = FileSystems.matchNewResource(path, false);
    WritableByteChannel channel =
        compression.writeCompressed(FileSystems.create(file, MimeTypes.BINARY));
    try {
      sink.open(channel);
      for (KV<String, V> record : records) {
        sink.write(record.getValue());
      }
      sink.flush();
    } finally {
      // ParquetIO's sink closes the channel itself, and a second close of an S3 upload would
      // complete it again (S3 refuses that): close only what is still open.
      if (channel.isOpen()) {
        channel.close();
      }
    }
  }

  /**
   * Sorts by key; records that share a key (rare: the same id twice) by their encoded bytes, so
   * that their order too is independent of arrival.
   */
  static <V> void sort(List<KV<String, V>> records, Coder<V> coder) throws CoderException {
    records.sort(Comparator.comparing(KV::getKey));
    int start = 0;
    while (start < records.size()) {
      int end = start + 1;
      while (end < records.size() && records.get(end).getKey().equals(records.get(start).getKey())) {
        end++;
      }
      if (end - start > 1) {
        List<KV<byte[], KV<String, V>>> run = new ArrayList<>();
        for (KV<String, V> record : records.subList(start, end)) {
          run.add(KV.of(CoderUtils.encodeToByteArray(coder, record.getValue()), record));
        }
        run.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
        for (int i = 0; i < run.size(); i++) {
          records.set(start + i, run.get(i).getValue());
        }
      }
      start = end;
    }
  }
}
