package dev.trainset.read;

import dev.trainset.config.InputFormat;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads the input files into documents: JSON lines, JSON arrays, CSV (header row, RFC 4180) and
 * Parquet, decompressing {@code .gz}, {@code .bz2} and {@code .zst} (text formats), and Hugging
 * Face dataset folders with each record's split in {@link #SOURCE_SPLIT}. A line, element or row that does not
 * parse, and a file that cannot be read, is rejected with {@code stage=read}; reading goes on.
 * Each format has its reader ({@link JsonLinesFile}, {@link JsonFile}, {@link CsvFile},
 * {@link ParquetFile}), which
 * hands what it parses to a {@link RecordEmitter} that makes documents or rejections of it.
 *
 * <p>Each file is read whole by one worker; the shuffle in FilterQuality's dedup spreads the
 * records out again. With {@code input.kafka} instead of paths, {@link ReadKafka} reads a bounded
 * slice of a topic into the same two outputs.
 */
public final class ReadDocuments extends PTransform<PBegin, PCollectionTuple> {
  /** The documents that were read. */
  public static final TupleTag<Document> DOCUMENTS = new TupleTag<Document>("documents") {};

  /**
   * The field that holds, for {@code input.format: huggingface}, the split a record was published
   * in ({@code train}, ...): the dataset's own {@code split} column, if any, is left as it is.
   */
  public static final String SOURCE_SPLIT = "source_split";

  private final PipelineSpec.Input input;

  private ReadDocuments(PipelineSpec.Input input) {
    this.input = input;
  }

  /** Reads the files {@code input.paths} match, as {@code input.format} says. */
  public static ReadDocuments from(PipelineSpec.Input input) {
    return new ReadDocuments(input);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    if (input.kafka() != null) {
      return begin.apply("Kafka", ReadKafka.from(input.kafka(), input.idField()));
    }
    PCollectionTuple read =
        begin
            .apply("Globs", Create.of(input.globs()))
            .apply("Match", FileIO.matchAll())
            .apply("Open", FileIO.readMatches().withCompression(Compression.AUTO))
            .apply(
                "Parse",
                ParDo.of(new ParseFileFn(input.format(), input.idField(), input.maxRecordBytes(),
                        input.maxDepth()))
                    .withOutputTags(DOCUMENTS, TupleTagList.of(Rejected.TAG)));
    read.get(DOCUMENTS).setCoder(DocumentCoder.of());
    read.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return read;
  }

  /**
   * The split a dataset's data file holds, from its name as the Hub writes it: {@code
   * train-00000-of-00002.parquet} and {@code train.parquet} are {@code train} (split names are
   * word characters and dots, so the first {@code -} ends one).
   */
  static String splitOf(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (name.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
      name = name.substring(0, name.length() - ".parquet".length());
    }
    int dash = name.indexOf('-');
    return dash < 0 ? name : name.substring(0, dash);
  }

  /** The format a file is read as: the configured one, or by its extension for {@code auto}. */
  static @Nullable InputFormat formatOf(String path, InputFormat configured) {
    if (configured != InputFormat.AUTO) {
      return configured;
    }
    String name = path.toLowerCase(Locale.ROOT);
    for (String compressed : List.of(".gz", ".bz2", ".zst", ".zstd", ".deflate")) {
      if (name.endsWith(compressed)) {
        name = name.substring(0, name.length() - compressed.length());
      }
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return InputFormat.JSONL;
    }
    if (name.endsWith(".json")) {
      return InputFormat.JSON;
    }
    if (name.endsWith(".csv")) {
      return InputFormat.CSV;
    }
    if (name.endsWith(".parquet")) {
      return InputFormat.PARQUET;
    }
    return null;
  }

  /** Parses one file, emitting documents and rejections as it goes. */
  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, Document> {
    private final InputFormat format;
    private final String idField;
    private final int maxRecordBytes;
    private final int maxDepth;
    private final Counter documentsRead = Metrics.counter(ReadDocuments.class, "documents");

    ParseFileFn(InputFormat format, String idField, int maxRecordBytes, int maxDepth) {
      this.format = format;
      this.idField = idField;
      this.maxRecordBytes = maxRecordBytes;
      this.maxDepth = maxDepth;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String path = file.getMetadata().resourceId().toString();
      InputFormat fileFormat = formatOf(path, format);
      RecordEmitter emit = new RecordEmitter(path, idField, maxRecordBytes, maxDepth, out,
          documentsRead);
      if (fileFormat == null) {
        emit.reject(path, Reason.UNKNOWN_FORMAT,
            "cannot tell the format from the file name; set input.format to jsonl, json, csv or"
                + " parquet",
            null);
        return;
      }
      if (fileFormat == InputFormat.PARQUET || fileFormat == InputFormat.HUGGINGFACE) {
        try {
          ParquetFile.read(file, emit, fileFormat == InputFormat.HUGGINGFACE
              ? Map.entry(SOURCE_SPLIT, splitOf(path)) : null);
        } catch (Unreadable e) {
          // Not Parquet, cut short or corrupt: what was read stays, the rest is one rejection.
          emit.stopped(e.getCause());
        }
        return;
      }
      InputStream in;
      try {
        // As FileIO.ReadableFile#open does, with the file's own bytes counted for the progress
        // line before they are decompressed (the launcher knows the files' sizes, not their text).
        in = Channels.newInputStream(file.getCompression().readDecompressed(
            new CountedChannel(FileSystems.open(file.getMetadata().resourceId()))));
      } catch (IOException | RuntimeException e) {
        // Gone or not ours to read since it was matched, or a corrupt archive's header: one
        // rejection for the file.
        emit.stopped(e);
        return;
      }
      read(in, fileFormat, emit);
    }

    /**
     * Reads the (decompressed) bytes of one file of {@code fileFormat} into {@code emit}, and
     * closes them. Only failures of reading are caught here. An exception thrown while a record is
     * passed on comes from a later stage fused into this one, and must fail the run, not stop the
     * file.
     */
    static void read(InputStream file, InputFormat fileFormat, RecordEmitter emit) {
      try (InputStream in = file) {
        InputStream text;
        try {
          text = withoutBom(in);
        } catch (IOException | RuntimeException e) {
          // Not even the first bytes: a corrupt archive's header, a failing disk.
          throw new Unreadable(e);
        }
        switch (fileFormat) {
          case JSONL -> JsonLinesFile.read(text, emit);
          case JSON -> JsonFile.read(text, emit);
          default -> CsvFile.read(text, emit);
        }
      } catch (Unreadable e) {
        // A corrupt archive or a failing disk: what was read stays, the rest is one rejection.
        emit.stopped(e.getCause());
      } catch (IOException e) {
        // Closing failed after everything was read: nothing is lost.
      }
    }

    private static InputStream withoutBom(InputStream in) throws IOException {
      PushbackInputStream peek = new PushbackInputStream(in, 3);
      byte[] head = new byte[3];
      int n = peek.readNBytes(head, 0, 3);
      boolean bom = n == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB
          && (head[2] & 0xFF) == 0xBF;
      if (!bom && n > 0) {
        peek.unread(head, 0, n);
      }
      return peek;
    }
  }
}
