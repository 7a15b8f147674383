package dev.trainset.write;

import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.BatchOrder;
import dev.trainset.formats.TokensFormat;
import dev.trainset.model.CountEach;
import dev.trainset.model.Example;
import dev.trainset.model.Grain;
import dev.trainset.model.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes the {@code tokens} format beside the others of {@link WriteFormats}, to {@code
 * <dir>/tokens/[<key>=<value>/...]<split>-SSSSS-of-NNNNN.jsonl}: each example's tokens with its
 * index, or packed into sequences of {@code output.tokens.seq_len} tokens, as {@link TokensFormat}
 * says. An index is a rank in the order {@link OrderedShards} writes a split in, so this is its own
 * write, not a per-example encoding; packing runs per file.
 *
 * <p>{@code output.select} keeps the examples whose index is in {@code [start, end)} in each split
 * (and partition): indexes keep their values, and {@link WriteFormats#WRITTEN} counts the kept
 * examples. Or, with {@code batch_size}, it keeps the listed batches of the split's seeded
 * shuffle ({@link dev.trainset.formats.BatchOrder}); each file writes its kept examples in the
 * sampler's order, each with its index and batch. {@code output.max_records_per_file} counts
 * examples, packed or not.
 *
 * <p>Needs bounded input: an index counts every example of the split before it. (Kafka input is
 * a bounded slice in this version, {@code input.kafka.max_records > 0}, so the CLI never builds
 * it on unbounded input.)
 */
public final class WriteTokens extends PTransform<PCollection<Example>, PCollectionTuple> {
  /** {@code KV<destination, KV<sort key, content array>>}, as {@link OrderedShards} takes them. */
  private static final TupleTag<KV<String, KV<String, String>>> CONTENT = new TupleTag<>() {};

  private final PipelineSpec.Output output;
  private final String directory;
  private final Grain grain;

  private WriteTokens(PipelineSpec.Output output, String directory, Grain grain) {
    this.output = output;
    this.directory = directory;
    this.grain = grain;
  }

  /** Writes the tokens format as {@code output} says into {@code directory}. */
  public static WriteTokens to(PipelineSpec.Output output, String directory) {
    return new WriteTokens(output, directory, Grain.FINE);
  }

  /** Writes at {@code newGrain} (see {@link OrderedShards#withGrain}). */
  public WriteTokens withGrain(Grain newGrain) {
    return new WriteTokens(output, directory, newGrain);
  }

  @Override
  public PCollectionTuple expand(PCollection<Example> examples) {
    if (examples.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      throw new IllegalArgumentException(
          "the tokens format needs bounded input: an index counts the whole split before it");
    }
    TokensFormat format = new TokensFormat(output);
    PCollectionTuple tokenized = examples.apply("Tokenize",
        ParDo.of(new TokenizeFn(format, output.partitionBy()))
            .withOutputTags(CONTENT, TupleTagList.of(WriteFormats.VALIDATION)));
    KvCoder<String, String> pairs = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, KV<String, String>>> content =
        tokenized.get(CONTENT).setCoder(KvCoder.of(StringUtf8Coder.of(), pairs));
    tokenized.get(WriteFormats.VALIDATION).setCoder(pairs);
    long start = output.select().start();
    long end = output.select().endOrMax();
    PCollection<String> files = content.apply("Write", OrderedShards.<String>toIndexed(directory, StringUtf8Coder.of(),
            (destination, firstIndex, size) -> new TokensSink(format, firstIndex, size),
            destination -> format.extension())
        .withCompression(WriteFormats.compression(output.compression()))
        .withMaxRecordsPerFile(output.maxRecordsPerFile())
        .withIndexRange(start, end)
        .withGrain(grain))
        .apply("Files", Values.create());
    PCollection<KV<String, String>> written = content
        .apply("Destinations", Keys.create())
        .apply("CountDestinations", CountEach.perElement())
        .apply("Selected", ParDo.of(new SelectedFn(format, start, end)))
        .setCoder(pairs);
    return PCollectionTuple.of(WriteFormats.WRITTEN, written)
        .and(WriteFormats.VALIDATION, tokenized.get(WriteFormats.VALIDATION))
        .and(WriteFormats.FILES, files);
  }

  /** Each example's content array and destination, or why it has no tokens. */
  static final class TokenizeFn extends DoFn<Example, KV<String, KV<String, String>>> {
    private final TokensFormat format;
    private final List<String> partitionBy;

    TokenizeFn(TokensFormat format, List<String> partitionBy) {
      this.format = format;
      this.partitionBy = partitionBy;
    }

    @ProcessElement
    public void process(@Element Example example, MultiOutputReceiver out) {
      String problem = format.unrepresentable(example);
      if (problem != null) {
        Metrics.counter("trainset.invalid", format.name()).inc();
        out.get(WriteFormats.VALIDATION).output(KV.of(format.name(),
            WriteFormats.invalidLine(format.name(), example, problem)));
        return;
      }
      String place = WriteFormats.partitionFolders(example, partitionBy) + example.split();
      out.get(CONTENT).output(KV.of(format.name() + "/" + place,
          KV.of(WriteFormats.sortKey(example), format.encode(example))));
    }
  }

  /**
   * For a destination of {@code n} examples, one {@code KV<format, split>} per example of {@code
   * [0, n)} the index range keeps: what the run counts as written.
   */
  static final class SelectedFn extends DoFn<KV<String, Long>, KV<String, String>> {
    private final TokensFormat format;
    private final long start;
    private final long end;

    SelectedFn(TokensFormat format, long start, long end) {
      this.format = format;
      this.start = start;
      this.end = end;
    }

    @ProcessElement
    public void process(@Element KV<String, Long> destination, OutputReceiver<KV<String, String>> out) {
      String split = destination.getKey().substring(destination.getKey().lastIndexOf('/') + 1);
      long kept = format.byBatch()
          ? format.batchOrder(destination.getValue()).selectedCount()
          : OrderedShards.selected(0, destination.getValue(), start, end);
      for (long i = kept; i > 0; i--) {
        out.output(KV.of(format.name(), split));
      }
    }
  }

  /**
   * Writes one file: each example's line with its index, or the packed sequences; with batches,
   * the kept examples' lines, held until the file's end and written in the sampler's order.
   */
  static final class TokensSink implements FileIO.Sink<String> {
    private final TokensFormat format;
    private final long firstIndex;
    private final long destinationSize;
    private transient @Nullable Writer writer;
    private transient TokensFormat.@Nullable Packer packer;
    private transient @Nullable BatchOrder batches;
    private transient @Nullable TreeMap<Long, String> kept;
    private transient long index;

    TokensSink(TokensFormat format, long firstIndex, long destinationSize) {
      this.format = format;
      this.firstIndex = firstIndex;
      this.destinationSize = destinationSize;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      String end = format.csv() ? "\r\n" : "\n";
      Writer out = new BufferedWriter(
          new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), 1 << 16);
      writer = out;
      out.append(format.header());
      index = firstIndex;
      packer = format.seqLen() > 0
          ? new TokensFormat.Packer(format.seqLen(), (sequence, ids, length, details) ->
              out.append(format.line(sequence, ids, length, details, -1)).append(end))
          : null;
      batches = format.byBatch() ? format.batchOrder(destinationSize) : null;
      kept = format.byBatch() ? new TreeMap<>() : null;
    }

    @Override
    public void write(String content) throws IOException {
      int[] ids = Json.MAPPER.readValue(content, int[].class);
      long at = index++;
      if (packer != null) {
        packer.add(at, ids);
      } else if (batches != null) {
        long position = batches.position(at);
        long batch = batches.batch(at);
        if (batches.selected(batch)) {
          kept.put(position, format.line(at, ids, ids.length, null, batch));
        }
      } else {
        writer.append(format.line(at, ids, ids.length, null, -1))
            .append(format.csv() ? "\r\n" : "\n");
      }
    }

    @Override
    public void flush() throws IOException {
      if (packer != null) {
        packer.finish();
      }
      if (kept != null) {
        for (String line : kept.values()) {
          writer.append(line).append(format.csv() ? "\r\n" : "\n");
        }
        kept.clear();
      }
      writer.flush();
    }
  }
}
