package dev.trainset.write;

import dev.trainset.config.ParquetCompression;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.ExampleRecords;
import dev.trainset.formats.ExampleTable;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.model.Example;
import dev.trainset.model.Grain;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes the Parquet formats with ParquetIO, beside the text formats of {@link WriteFormats}:
 * {@code parquet} to {@code <dir>/parquet/[<key>=<value>/...]<split>-SSSSS-of-NNNNN.parquet}
 * (Hive layout, values encoded by {@link WriteFormats#partitionValue}), {@code huggingface} to
 * {@code <dir>/huggingface/data/<split>-SSSSS-of-NNNNN.parquet}, the names the Hub expects (its
 * layout has no partitions). Compression is {@code output.parquet.compression} for both. Outputs
 * {@link WriteFormats#WRITTEN} and {@link WriteFormats#VALIDATION} as WriteFormats does.
 */
public final class WriteParquet extends PTransform<PCollection<Example>, PCollectionTuple> {
  /** {@code KV<destination, KV<sort key, row>>}, as {@link OrderedShards} takes them. */
  private static final TupleTag<KV<String, KV<String, GenericRecord>>> RECORDS = new TupleTag<>() {};

  /** Lists as the Parquet spec's three-level LIST, which pyarrow, DuckDB and Spark all read. */
  private static final Map<String, String> HADOOP_CONFIG =
      Map.of("parquet.avro.write-old-list-structure", "false");

  private final PipelineSpec.Output output;
  private final ExampleTable table;
  private final String directory;
  private final Grain grain;

  private WriteParquet(PipelineSpec.Output output, ExampleTable table, String directory,
      Grain grain) {
    this.output = output;
    this.table = table;
    this.directory = directory;
    this.grain = grain;
  }

  /** Writes the Parquet formats of {@code output.formats} with {@code table}'s columns. */
  public static WriteParquet to(PipelineSpec.Output output, ExampleTable table, String directory) {
    return new WriteParquet(output, table, directory, Grain.FINE);
  }

  /** Writes at {@code newGrain} (see {@link OrderedShards#withGrain}). */
  public WriteParquet withGrain(Grain newGrain) {
    return new WriteParquet(output, table, directory, newGrain);
  }

  static CompressionCodecName codec(ParquetCompression compression) {
    return switch (compression) {
      case SNAPPY -> CompressionCodecName.SNAPPY;
      case ZSTD -> CompressionCodecName.ZSTD;
      case GZIP -> CompressionCodecName.GZIP;
      case NONE -> CompressionCodecName.UNCOMPRESSED;
    };
  }

  /**
   * The sink of one Parquet file of rows of {@code schema}: ParquetIO's, with the footer's lists
   * of encodings put in order so that reruns are byte-identical ({@link SortedEncodingsSink}).
   */
  static FileIO.Sink<GenericRecord> sink(Schema schema, CompressionCodecName codec) {
    return new SortedEncodingsSink(
        ParquetIO.sink(schema).withCompressionCodec(codec).withConfiguration(HADOOP_CONFIG));
  }

  @Override
  public PCollectionTuple expand(PCollection<Example> examples) {
    PCollectionList<KV<String, String>> written = PCollectionList.empty(examples.getPipeline());
    PCollectionList<KV<String, String>> invalid = PCollectionList.empty(examples.getPipeline());
    PCollectionList<String> files = PCollectionList.empty(examples.getPipeline());
    CompressionCodecName codec = codec(output.parquet().compression());
    for (String name : output.formats()) {
      FormatDescriptor descriptor = Formats.descriptor(name);
      if (!descriptor.kind().parquet()) {
        continue;
      }
      String format = descriptor.name();
      ExampleRecords records = descriptor.records(table);
      String schemaJson = records.schema().toString();
      List<String> partitionBy = descriptor.partitioned() ? output.partitionBy() : List.of();
      String prefix = descriptor.dataFolder() + "/";
      PCollectionTuple rows =
          examples.apply(
              "ToRecords-" + format,
              ParDo.of(new ToRecordFn(records, prefix, partitionBy))
                  .withOutputTags(RECORDS,
                      TupleTagList.of(List.of(WriteFormats.WRITTEN, WriteFormats.VALIDATION))));
      KvCoder<String, String> pairs = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
      AvroCoder<GenericRecord> rowCoder = AvroCoder.of(records.schema());
      rows.get(RECORDS).setCoder(
          KvCoder.of(StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), rowCoder)));
      rows.get(WriteFormats.WRITTEN).setCoder(pairs);
      rows.get(WriteFormats.VALIDATION).setCoder(pairs);

      SerializableFunction<String, FileIO.Sink<GenericRecord>> sink =
          dest -> sink(new Schema.Parser().parse(schemaJson), codec);
      // The same files, byte for byte, on every runner, as the text formats.
      files = files.and(rows.get(RECORDS)
          .apply("Write-" + format, OrderedShards.to(directory, rowCoder, sink, dest -> ".parquet")
              .withMaxRecordsPerFile(output.maxRecordsPerFile())
              .withGrain(grain))
          .apply("Files-" + format, Values.create()));
      written = written.and(rows.get(WriteFormats.WRITTEN));
      invalid = invalid.and(rows.get(WriteFormats.VALIDATION));
    }
    return PCollectionTuple.of(WriteFormats.WRITTEN, written.apply("AllWritten", Flatten.pCollections()))
        .and(WriteFormats.VALIDATION, invalid.apply("AllInvalid", Flatten.pCollections()))
        .and(WriteFormats.FILES, files.apply("AllFiles", Flatten.pCollections()));
  }

  /** Turns each example into its row and destination, or says why the format cannot hold it. */
  static final class ToRecordFn extends DoFn<Example, KV<String, KV<String, GenericRecord>>> {
    private final ExampleRecords records;
    private final String prefix;
    private final List<String> partitionBy;

    ToRecordFn(ExampleRecords records, String prefix, List<String> partitionBy) {
      this.records = records;
      this.prefix = prefix;
      this.partitionBy = partitionBy;
    }

    @ProcessElement
    public void process(@Element Example example, MultiOutputReceiver out) {
      String format = records.format();
      String problem = records.unrepresentable(example);
      if (problem != null) {
        Metrics.counter("trainset.invalid", format).inc();
        out.get(WriteFormats.VALIDATION)
            .output(KV.of(format, WriteFormats.invalidLine(format, example, problem)));
        return;
      }
      String place = prefix + WriteFormats.partitionFolders(example, partitionBy) + example.split();
      out.get(RECORDS).output(
          KV.of(place, KV.of(WriteFormats.sortKey(example), records.record(example))));
      out.get(WriteFormats.WRITTEN).output(KV.of(format, example.split()));
    }
  }
}
