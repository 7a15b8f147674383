package dev.trainset.transforms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.Formats;
import dev.trainset.formats.OutputFormat;
import dev.trainset.model.Example;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import dev.trainset.report.LocalProgress;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes every example in every format of {@code output.formats}, to {@code
 * <dir>/<format>/[<key>=<value>/...]<split>-SSSSS-of-NNNNN.<ext>}. An example a format cannot
 * represent goes to {@code <dir>/_validation/<format>-*.jsonl} and to the {@link #VALIDATION}
 * output, and is still written in the other formats.
 *
 * <p>All formats are encoded in one pass and written by one write, so adding a format adds no
 * pass over the data. Bounded input is written by {@link OrderedShards}: the same examples give
 * the same file names and bytes on every runner, records ordered by a hash of their id, at most
 * {@code output.max_records_per_file} per file. Unbounded input is written per window by {@link
 * FileIO}, sharded as {@link ShardNaming} says.
 */
public final class WriteFormats extends PTransform<PCollection<Example>, PCollectionTuple> {
  /** For each example written, its format and split: {@code KV<format, split>}. */
  public static final TupleTag<KV<String, String>> WRITTEN =
      new TupleTag<KV<String, String>>("written") {};

  /** Each example a format could not represent: {@code KV<format, JSON line>}. */
  public static final TupleTag<KV<String, String>> VALIDATION =
      new TupleTag<KV<String, String>>("validation") {};

  /** Where a partition value that is absent goes, as Hive names it. */
  static final String NO_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  /** {@code KV<destination, KV<sort key, encoded record>>}. */
  private static final TupleTag<KV<String, KV<String, String>>> ENCODED = new TupleTag<>() {};

  /** Longest partition folder value, leaving room for {@code key=} in a 255-byte name. */
  static final int MAX_PARTITION_CHARS = 200;

  private final PipelineSpec.Output output;
  private final String directory;

  private WriteFormats(PipelineSpec.Output output, String directory) {
    this.output = output;
    this.directory = directory;
  }

  /** Writes as {@code output} says into {@code directory} (not {@code output.dir}: the caller
   * chooses, so that a run can write to a staging folder and publish on success). */
  public static WriteFormats to(PipelineSpec.Output output, String directory) {
    return new WriteFormats(output, directory);
  }

  @Override
  public PCollectionTuple expand(PCollection<Example> examples) {
    Map<String, OutputFormat> formats = new LinkedHashMap<>();
    for (String name : output.formats()) {
      formats.put(name, Formats.create(name, output));
    }
    PCollectionTuple encoded =
        examples.apply(
            "Encode",
            ParDo.of(new EncodeFn(formats, output.partitionBy()))
                .withOutputTags(ENCODED, TupleTagList.of(List.of(WRITTEN, VALIDATION))));
    KvCoder<String, String> pairs = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    encoded.get(ENCODED).setCoder(KvCoder.of(StringUtf8Coder.of(), pairs));
    encoded.get(WRITTEN).setCoder(pairs);
    encoded.get(VALIDATION).setCoder(pairs);
    encoded.get(VALIDATION).apply("WriteValidation", JsonLines.to(directory + "/_validation"));
    PCollectionTuple written = PCollectionTuple.of(WRITTEN, encoded.get(WRITTEN))
        .and(VALIDATION, encoded.get(VALIDATION));

    if (examples.isBounded() == PCollection.IsBounded.BOUNDED) {
      encoded.get(ENCODED).apply("Write", OrderedShards.<String>to(directory, StringUtf8Coder.of(),
              dest -> new FormatSink(formats.get(formatOf(dest))),
              dest -> formats.get(formatOf(dest)).extension())
          .withCompression(compression(output.compression()))
          .withMaxRecordsPerFile(output.maxRecordsPerFile()));
      return written;
    }
    SerializableFunction<KV<String, String>, String> destination = KV::getKey;
    FileIO.Write<String, KV<String, String>> write =
        FileIO.<String, KV<String, String>>writeDynamic()
            .by(destination)
            .withDestinationCoder(StringUtf8Coder.of())
            .via(
                Contextful.fn(KV::getValue),
                Contextful.fn(dest -> new FormatSink(formats.get(formatOf(dest)))))
            .to(directory)
            .withNaming(dest -> new ShardNaming(dest, formats.get(formatOf(dest)).extension()))
            .withCompression(compression(output.compression()));
    encoded.get(ENCODED)
        .apply("Unsorted", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((KV<String, KV<String, String>> record) ->
                KV.of(record.getKey(), record.getValue().getValue())))
        .setCoder(pairs)
        .apply("Write", ShardNaming.shardedIfUnbounded(write, examples));
    return written;
  }

  /** Where an example goes in a file: by a hash of its id, so that files are shuffled. */
  static String sortKey(Example example) {
    return Hashes.sha256Hex(example.id(), 16) + ":" + example.id();
  }

  static Compression compression(String name) {
    return switch (name) {
      case "gzip" -> Compression.GZIP;
      case "zstd" -> Compression.ZSTD;
      default -> Compression.UNCOMPRESSED;
    };
  }

  private static String formatOf(String destination) {
    return destination.substring(0, destination.indexOf('/'));
  }

  /**
   * A partition value as a safe folder name: percent-encoded so that no value can add a path
   * level or climb out of the output folder ({@code /}, {@code ..}), and never empty.
   */
  static String partitionValue(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return NO_PARTITION;
    }
    String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")
        .replace(".", "%2E").replace("*", "%2A");
    // File systems cap a name at 255 bytes: a long value keeps its start and a hash of the whole.
    return encoded.length() <= MAX_PARTITION_CHARS
        ? encoded
        : encoded.substring(0, MAX_PARTITION_CHARS - 20).replaceAll("%[0-9A-F]?$", "") + "~"
            + Hashes.sha256Hex(value, 16);
  }

  /** Encodes each example in each format, or says which format cannot hold it. */
  static final class EncodeFn extends DoFn<Example, KV<String, KV<String, String>>> {
    private final Map<String, OutputFormat> formats;
    private final List<String> partitionBy;

    EncodeFn(Map<String, OutputFormat> formats, List<String> partitionBy) {
      this.formats = formats;
      this.partitionBy = partitionBy;
    }

    @ProcessElement
    public void process(@Element Example example, MultiOutputReceiver out) {
      StringBuilder partition = new StringBuilder();
      for (String key : partitionBy) {
        partition.append(key).append('=').append(partitionValue(example.lookupText(key))).append('/');
      }
      String place = partition + example.split();
      String sortKey = sortKey(example);
      LocalProgress.exported();
      for (OutputFormat format : formats.values()) {
        String problem = format.unrepresentable(example);
        if (problem != null) {
          Metrics.counter("trainset.invalid", format.name()).inc();
          out.get(VALIDATION).output(KV.of(format.name(), invalidLine(format, example, problem)));
        } else {
          out.get(ENCODED).output(
              KV.of(format.name() + "/" + place, KV.of(sortKey, format.encode(example))));
          out.get(WRITTEN).output(KV.of(format.name(), example.split()));
        }
      }
    }

    private static String invalidLine(OutputFormat format, Example example, String problem) {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("id", example.id());
      line.put("format", format.name());
      line.put("split", example.split());
      line.put("reason", problem);
      return Json.write(line);
    }
  }

  /** Writes one file of one format: its opening, the records and separators, its closing. */
  static final class FormatSink implements FileIO.Sink<String> {
    private final OutputFormat format;
    private transient @Nullable Writer writer;
    private transient boolean first;

    FormatSink(OutputFormat format) {
      this.format = format;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      writer =
          new BufferedWriter(
              new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8),
              1 << 16);
      writer.write(format.open());
      first = true;
    }

    @Override
    public void write(String record) throws IOException {
      if (!first) {
        writer.write(format.between());
      }
      first = false;
      writer.write(record);
      writer.write(format.after());
    }

    @Override
    public void flush() throws IOException {
      writer.write(format.close());
      writer.flush();
    }
  }
}
