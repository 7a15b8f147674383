package dev.trainset.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.FileCompression;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.ExampleTable;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.FormatKind;
import dev.trainset.formats.Formats;
import dev.trainset.formats.OutputFormat;
import dev.trainset.formats.SideFile;
import dev.trainset.model.Example;
import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import dev.trainset.model.LocalProgress;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes every example in every format of {@code output.formats}, to {@code
 * <dir>/<format>/[<key>=<value>/...]<split>-SSSSS-of-NNNNN.<ext>}. An example a format cannot
 * represent goes to the {@link #VALIDATION} output, for the run to write with its other small
 * files into {@code <dir>/_validation/<format>-*.jsonl} ({@link #validationLines}), and is still
 * written in the other formats.
 *
 * <p>All text formats are encoded in one pass and written by one write, so adding a format adds
 * no pass over the data. They are written by {@link OrderedShards}: the same examples give the
 * same file names and bytes on every runner, records ordered by a hash of their id, at most
 * {@code output.max_records_per_file} per file. The Parquet formats (parquet, huggingface) have
 * their own write beside it, {@link WriteParquet}, and csv's {@code combined.csv} its one-file
 * write, {@link WriteCombinedCsv}. The tokens format, whose records depend on their place in that
 * order, has its own write too, {@link WriteTokens}. Unbounded input is written window by window,
 * each window into its own folder, by the same writes.
 */
public final class WriteFormats extends PTransform<PCollection<Example>, PCollectionTuple> {
  /** For each example written, its format and split: {@code KV<format, split>}. */
  public static final TupleTag<KV<String, String>> WRITTEN =
      new TupleTag<KV<String, String>>("written") {};

  /** Each example a format could not represent: {@code KV<format, JSON line>}. */
  public static final TupleTag<KV<String, String>> VALIDATION =
      new TupleTag<KV<String, String>>("validation") {};

  /**
   * The full path of every file this write made: data files and side files such as csv's
   * combined.csv. It is complete once every write is: the run's finishing steps wait on it.
   */
  public static final TupleTag<String> FILES = new TupleTag<String>("files") {};

  /** The folder of a run's output that holds, per format, the examples it could not hold. */
  public static final String VALIDATION_FOLDER = "_validation";

  /** Where a partition value that is absent goes, as Hive names it. */
  static final String NO_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  /**
   * {@code KV<destination, KV<sort key, encoded record>>}, the record as its UTF-8 bytes: it is
   * converted once, not at each of the hand-overs and the shuffle between here and its file.
   */
  private static final TupleTag<KV<String, KV<String, byte[]>>> ENCODED = new TupleTag<>() {};

  /** Longest partition folder value, leaving room for {@code key=} in a 255-byte name. */
  static final int MAX_PARTITION_CHARS = 200;

  private final PipelineSpec.Output output;
  private final String directory;
  private final @Nullable ExampleTable table;
  private final Grain grain;

  private WriteFormats(PipelineSpec.Output output, String directory, @Nullable ExampleTable table,
      Grain grain) {
    this.output = output;
    this.directory = directory;
    this.table = table;
    this.grain = grain;
  }

  /** Writes as {@code output} says into {@code directory} (not {@code output.dir}: the caller
   * chooses, so that a run can write to a staging folder and publish on success). */
  public static WriteFormats to(PipelineSpec.Output output, String directory) {
    return new WriteFormats(output, directory, null, Grain.FINE);
  }

  /** The columns of the tabular formats (csv, parquet, huggingface); they need it. */
  public WriteFormats withTable(ExampleTable table) {
    return new WriteFormats(output, directory, table, grain);
  }

  /** Writes at {@code newGrain} (see {@link OrderedShards#withGrain}). */
  public WriteFormats withGrain(Grain newGrain) {
    return new WriteFormats(output, directory, table, newGrain);
  }

  @Override
  public PCollectionTuple expand(PCollection<Example> examples) {
    List<FormatDescriptor> descriptors =
        output.formats().stream().map(Formats::descriptor).toList();
    if (table == null && descriptors.stream().anyMatch(FormatDescriptor::needsTable)) {
      throw new IllegalArgumentException(
          "csv, parquet and huggingface need the table's columns: call withTable");
    }
    Map<String, OutputFormat> formats = new LinkedHashMap<>();
    for (FormatDescriptor format : descriptors) {
      if (format.kind().encodesEachExample()) {
        formats.put(format.name(), format.create(output, table));
      }
    }
    PCollectionTuple encoded =
        examples.apply(
            "Encode",
            ParDo.of(new EncodeFn(formats, output.partitionBy()))
                .withOutputTags(ENCODED, TupleTagList.of(List.of(WRITTEN, VALIDATION))));
    KvCoder<String, String> pairs = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    encoded.get(ENCODED).setCoder(KvCoder.of(StringUtf8Coder.of(),
        KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())));
    encoded.get(WRITTEN).setCoder(pairs);
    encoded.get(VALIDATION).setCoder(pairs);
    PCollectionList<String> files = PCollectionList.of(encoded.get(ENCODED)
        .apply("Write", OrderedShards.<byte[]>to(directory, ByteArrayCoder.of(),
                dest -> new EncodedSink(formats.get(formatOf(dest))),
                dest -> formats.get(formatOf(dest)).extension())
            .withCompression(compression(output.compression()))
            .withMaxRecordsPerFile(output.maxRecordsPerFile())
            .withGrain(grain))
        .apply("Files", Values.create()));
    PCollection<KV<String, String>> written = encoded.get(WRITTEN);
    PCollection<KV<String, String>> validation = encoded.get(VALIDATION);
    for (FormatDescriptor format : descriptors) {
      // combined.csv is one file over the whole run: a streaming run has none (README lists it).
      if (format.has(SideFile.COMBINED_CSV)
          && examples.isBounded() == PCollection.IsBounded.BOUNDED) {
        files = files.and(examples.apply("WriteCombinedCsv", WriteCombinedCsv.to(
            formats.get(format.name()), directory, compression(output.compression()))));
      }
    }
    if (descriptors.stream().anyMatch(format -> format.kind().parquet())) {
      PCollectionTuple parquet = examples.apply("WriteParquet",
          WriteParquet.to(output, table, directory).withGrain(grain));
      written = PCollectionList.of(written).and(parquet.get(WRITTEN))
          .apply("AllWritten", Flatten.pCollections());
      validation = PCollectionList.of(validation).and(parquet.get(VALIDATION))
          .apply("AllValidation", Flatten.pCollections());
      files = files.and(parquet.get(FILES));
    }
    if (descriptors.stream().anyMatch(format -> format.kind() == FormatKind.INDEXED_TOKENS)) {
      PCollectionTuple tokens = examples.apply("WriteTokens",
          WriteTokens.to(output, directory).withGrain(grain));
      written = PCollectionList.of(written).and(tokens.get(WRITTEN))
          .apply("WithTokensWritten", Flatten.pCollections());
      validation = PCollectionList.of(validation).and(tokens.get(VALIDATION))
          .apply("WithTokensValidation", Flatten.pCollections());
      files = files.and(tokens.get(FILES));
    }
    return PCollectionTuple.of(WRITTEN, written).and(VALIDATION, validation)
        .and(FILES, files.apply("AllFiles", Flatten.pCollections()).setCoder(StringUtf8Coder.of()));
  }

  /**
   * The {@link #VALIDATION} lines as {@link JsonLines} writes them: {@code KV<format, line>} to
   * {@code KV<_validation/format, line>}.
   */
  public static MapElements<KV<String, String>, KV<String, String>> validationLines() {
    return MapElements
        .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
        .via((KV<String, String> line) ->
            KV.of(VALIDATION_FOLDER + "/" + line.getKey(), line.getValue()));
  }

  /** Where an example goes in a file: by a hash of its id, so that files are shuffled. */
  static String sortKey(Example example) {
    return Hashes.sha256Hex(example.id(), 16) + ":" + example.id();
  }

  /** The Hive folders of {@code partitionBy} for the example: {@code key=value/...}, or empty. */
  static String partitionFolders(Example example, List<String> partitionBy) {
    StringBuilder partition = new StringBuilder();
    for (String key : partitionBy) {
      partition.append(key).append('=').append(partitionValue(example.lookupText(key))).append('/');
    }
    return partition.toString();
  }

  /** The {@code _validation} line of an example {@code format} could not represent. */
  static String invalidLine(String format, Example example, String problem) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("id", example.id());
    line.put("format", format);
    line.put("split", example.split());
    line.put("reason", problem);
    return Json.write(line);
  }

  static Compression compression(FileCompression compression) {
    return switch (compression) {
      case NONE -> Compression.UNCOMPRESSED;
      case GZIP -> Compression.GZIP;
      case ZSTD -> Compression.ZSTD;
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
  static final class EncodeFn extends DoFn<Example, KV<String, KV<String, byte[]>>> {
    private final Map<String, OutputFormat> formats;
    private final List<String> partitionBy;

    EncodeFn(Map<String, OutputFormat> formats, List<String> partitionBy) {
      this.formats = formats;
      this.partitionBy = partitionBy;
    }

    @ProcessElement
    public void process(@Element Example example, MultiOutputReceiver out) {
      String place = partitionFolders(example, partitionBy) + example.split();
      String sortKey = sortKey(example);
      LocalProgress.exported();
      for (OutputFormat format : formats.values()) {
        String problem = format.unrepresentable(example);
        if (problem != null) {
          Metrics.counter("trainset.invalid", format.name()).inc();
          out.get(VALIDATION)
              .output(KV.of(format.name(), invalidLine(format.name(), example, problem)));
        } else {
          out.get(ENCODED).output(
              KV.of(format.name() + "/" + place,
                  KV.of(sortKey, format.encode(example).getBytes(StandardCharsets.UTF_8))));
          out.get(WRITTEN).output(KV.of(format.name(), example.split()));
        }
      }
    }
  }

  /**
   * Writes one file of one format from records already encoded as UTF-8: its opening, the records
   * and separators, its closing; the same bytes as {@link FormatSink} writes from their text.
   */
  static final class EncodedSink implements FileIO.Sink<byte[]> {
    private final OutputFormat format;
    private transient @Nullable OutputStream stream;
    private transient byte @Nullable [] between;
    private transient byte @Nullable [] after;
    private transient boolean first;

    EncodedSink(OutputFormat format) {
      this.format = format;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      stream = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      between = format.between().getBytes(StandardCharsets.UTF_8);
      after = format.after().getBytes(StandardCharsets.UTF_8);
      stream.write(format.open().getBytes(StandardCharsets.UTF_8));
      first = true;
    }

    @Override
    public void write(byte[] record) throws IOException {
      if (!first) {
        stream.write(between);
      }
      first = false;
      stream.write(record);
      stream.write(after);
    }

    @Override
    public void flush() throws IOException {
      stream.write(format.close().getBytes(StandardCharsets.UTF_8));
      stream.flush();
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
