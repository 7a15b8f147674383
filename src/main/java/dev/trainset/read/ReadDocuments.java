package dev.trainset.read;

import dev.trainset.model.Rejections;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.LocalProgress;
import dev.trainset.model.Stage;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
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
 * Reads the input files into documents: JSON lines, JSON arrays and CSV (header row, RFC 4180),
 * decompressing {@code .gz}, {@code .bz2} and {@code .zst}. A line, element or row that does not
 * parse, and a file that cannot be read, is rejected with {@code stage=read}; reading goes on.
 *
 * <p>Each file is read whole by one worker; the shuffle in FilterQuality's dedup spreads the
 * records out again. The output is bounded: an unbounded source arrives as its own transform.
 */
public final class ReadDocuments extends PTransform<PBegin, PCollectionTuple> {
  /** The documents that were read. */
  public static final TupleTag<Document> DOCUMENTS = new TupleTag<Document>("documents") {};

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
    PCollectionTuple read =
        begin
            .apply("Globs", Create.of(input.paths()))
            .apply("Match", FileIO.matchAll())
            .apply("Open", FileIO.readMatches().withCompression(Compression.AUTO))
            .apply(
                "Parse",
                ParDo.of(new ParseFileFn(input.format(), input.idField()))
                    .withOutputTags(DOCUMENTS, TupleTagList.of(Rejected.TAG)));
    read.get(DOCUMENTS).setCoder(DocumentCoder.of());
    read.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return read;
  }

  /** The format a file is read as: the configured one, or by its extension for {@code auto}. */
  static @Nullable String formatOf(String path, String configured) {
    if (!"auto".equals(configured)) {
      return configured;
    }
    String name = path.toLowerCase(Locale.ROOT);
    for (String compressed : List.of(".gz", ".bz2", ".zst", ".zstd", ".deflate")) {
      if (name.endsWith(compressed)) {
        name = name.substring(0, name.length() - compressed.length());
      }
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return "jsonl";
    }
    if (name.endsWith(".json")) {
      return "json";
    }
    if (name.endsWith(".csv")) {
      return "csv";
    }
    return null;
  }

  /** Parses one file, emitting documents and rejections as it goes. */
  static final class ParseFileFn extends DoFn<FileIO.ReadableFile, Document> {
    private static final CsvMapper CSV = new CsvMapper();

    private final String format;
    private final String idField;
    private final Counter documentsRead = Metrics.counter(ReadDocuments.class, "documents");

    ParseFileFn(String format, String idField) {
      this.format = format;
      this.idField = idField;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String path = file.getMetadata().resourceId().toString();
      String fileFormat = formatOf(path, format);
      Emitter emit = new Emitter(path, idField, out, documentsRead);
      if (fileFormat == null) {
        emit.reject(path, Reason.UNKNOWN_FORMAT,
            "cannot tell the format from the file name; set input.format to jsonl, json or csv",
            null);
        return;
      }
      // Only failures of reading are caught here. An exception thrown while a record is passed
      // on comes from a later stage fused into this one, and must fail the run, not stop the file.
      try (InputStream in = open(file)) {
        switch (fileFormat) {
          case "jsonl" -> readJsonLines(lineReader(in), 0, emit);
          case "json" -> readJson(in, emit);
          default -> readCsv(in, emit);
        }
      } catch (Unreadable e) {
        // A corrupt archive or a failing disk: what was read stays, the rest is one rejection.
        emit.reject(path, Reason.UNREADABLE_FILE, "reading stopped at record " + (emit.count + 1)
            + ": " + e.getCause().getMessage(), null);
      } catch (IOException e) {
        // Closing failed after everything was read: nothing is lost.
      }
    }

    private static InputStream open(FileIO.ReadableFile file) throws Unreadable {
      try {
        return withoutBom(Channels.newInputStream(file.open()));
      } catch (IOException | RuntimeException e) {
        throw new Unreadable(e);
      }
    }

    private static BufferedReader lineReader(InputStream in) {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static void readJsonLines(BufferedReader lines, long linesBefore, Emitter emit)
        throws Unreadable {
      long lineNumber = linesBefore;
      while (true) {
        String line;
        try {
          line = lines.readLine();
        } catch (IOException | RuntimeException e) {
          throw new Unreadable(e);
        }
        if (line == null) {
          return;
        }
        lineNumber++;
        if (!line.isBlank()) {
          emit.jsonLine(line, lineNumber);
        }
      }
    }

    /**
     * A JSON file holds arrays of records, records one after another (pretty-printed or not), or
     * JSON lines under a .json name, as many published datasets are. It is read as JSON lines
     * when its first non-blank line is one complete value, so a bad line costs only that line.
     */
    private static void readJson(InputStream in, Emitter emit) throws Unreadable {
      BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
      buffered.mark(Integer.MAX_VALUE);
      String first;
      try {
        BufferedReader lines = lineReader(buffered);
        do {
          first = lines.readLine();
        } while (first != null && first.isBlank());
        buffered.reset();
        // Drop the mark, or the buffer would grow to hold the whole file.
        buffered.mark(0);
      } catch (IOException | RuntimeException e) {
        throw new Unreadable(e);
      }
      if (first == null) {
        return;
      }
      if (!first.strip().startsWith("[") && isOneValue(first)) {
        readJsonLines(lineReader(buffered), 0, emit);
        return;
      }
      try (JsonParser parser = Json.MAPPER.createParser(buffered)) {
        readJsonValues(parser, emit);
      } catch (IOException e) {
        throw new Unreadable(e);
      }
    }

    private static boolean isOneValue(String line) {
      try {
        ONE_VALUE.readTree(line);
        return true;
      } catch (JsonProcessingException e) {
        return false;
      }
    }

    /** Root values one after another; an array's elements are records, as is a root object. */
    private static void readJsonValues(JsonParser parser, Emitter emit) throws Unreadable {
      long index = 0;
      try {
        JsonToken token;
        while ((token = next(parser)) != null) {
          if (token != JsonToken.START_ARRAY) {
            emitValue(parser, emit, ++index);
            continue;
          }
          while ((token = next(parser)) != JsonToken.END_ARRAY) {
            if (token == null) {
              throw new JsonParseException(parser, "the file ends inside an array");
            }
            emitValue(parser, emit, ++index);
          }
        }
      } catch (JsonProcessingException e) {
        // A syntax error leaves the parser nowhere to resume: the rest of the file is one
        // rejection, so nothing after it is lost without a trace.
        emit.reject(emit.path + ":" + location(e), Reason.PARSE_ERROR,
            e.getOriginalMessage() + " at " + location(e) + "; the rest of the file was not read",
            null);
      }
    }

    private static JsonToken next(JsonParser parser) throws JsonProcessingException, Unreadable {
      try {
        return parser.nextToken();
      } catch (JsonProcessingException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new Unreadable(e);
      }
    }

    /** Reads the value the parser stands on and passes it on as record number {@code index}. */
    private static void emitValue(JsonParser parser, Emitter emit, long index)
        throws JsonProcessingException, Unreadable {
      long line = parser.currentTokenLocation().getLineNr();
      JsonNode value;
      try {
        value = parser.readValueAsTree();
      } catch (JsonProcessingException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new Unreadable(e);
      }
      emit.json(value, line + "#" + index, "record " + index + " (line " + line + ")");
    }

    private static void readCsv(InputStream in, Emitter emit) throws Unreadable {
      PushbackInputStream peek = new PushbackInputStream(in, 1);
      try {
        int first = peek.read();
        if (first == -1) {
          return;
        }
        peek.unread(first);
      } catch (IOException e) {
        throw new Unreadable(e);
      }
      Reader reader = new InputStreamReader(peek, StandardCharsets.UTF_8);
      CsvSchema header = CsvSchema.emptySchema().withHeader();
      try (MappingIterator<Map<String, String>> rows =
          CSV.readerForMapOf(String.class)
              .with(header)
              .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
              .readValues(reader)) {
        // CSV rows are numbered (1 = the first row after the header), not lines: a quoted
        // value may span lines, and the parser's line count does not say where a row began.
        long row = 0;
        JsonLocation lastError = null;
        while (true) {
          Map<String, String> values;
          try {
            if (!rows.hasNextValue()) {
              return;
            }
            row++;
            values = rows.nextValue();
          } catch (RuntimeException | IOException e) {
            JsonLocation at = rows.getCurrentLocation();
            if (at != null && at.equals(lastError)) {
              // The parser cannot move past this point: stop instead of looping.
              emit.reject(emit.path + ":" + row, Reason.PARSE_ERROR,
                  "the CSV cannot be read past row " + row + ": " + firstLine(e.getMessage()),
                  null);
              return;
            }
            lastError = at;
            emit.reject(emit.path + ":" + row, Reason.PARSE_ERROR,
                "CSV row " + row + ": " + firstLine(e.getMessage()), null);
            continue;
          }
          ObjectNode record = JsonNodeFactory.instance.objectNode();
          values.forEach(record::put);
          emit.record(record, String.valueOf(row));
        }
      } catch (IOException e) {
        throw new Unreadable(e);
      }
    }

    private static String location(JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return at == null ? "?" : "line " + at.getLineNr() + " column " + at.getColumnNr();
    }

    private static String firstLine(@Nullable String message) {
      if (message == null) {
        return "unreadable row";
      }
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
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

  /** A failure to read the input itself (not a syntax error): the rest of the file is lost. */
  private static final class Unreadable extends Exception {
    Unreadable(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Reads exactly one JSON value: anything after it on the line is a parse error. */
  private static final ObjectReader ONE_VALUE =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Turns parsed values into documents or rejections for one file. */
  private static final class Emitter {
    final String path;
    private final String idField;
    private final DoFn.MultiOutputReceiver out;
    private final Counter documentsRead;
    long count;

    Emitter(String path, String idField, DoFn.MultiOutputReceiver out, Counter documentsRead) {
      this.path = path;
      this.idField = idField;
      this.out = out;
      this.documentsRead = documentsRead;
    }

    void jsonLine(String line, long lineNumber) {
      JsonNode value;
      try {
        value = ONE_VALUE.readTree(line);
      } catch (JsonProcessingException e) {
        reject(path + ":" + lineNumber, Reason.PARSE_ERROR,
            "line " + lineNumber + ": " + e.getOriginalMessage(),
            JsonNodeFactory.instance.textNode(line));
        return;
      }
      json(value, String.valueOf(lineNumber), "line " + lineNumber);
    }

    /** A parsed value at {@code where} (what follows "file:" in its origin). */
    void json(JsonNode value, String where, String described) {
      if (!value.isObject()) {
        reject(path + ":" + where, Reason.NOT_AN_OBJECT,
            described + " holds " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                + ", not a JSON object",
            value);
        return;
      }
      record((ObjectNode) value, where);
    }

    void record(ObjectNode record, String where) {
      count++;
      documentsRead.inc();
      LocalProgress.read();
      out.get(DOCUMENTS).output(Document.read(idOf(record), path + ":" + where, record));
    }

    void reject(String id, Reason reason, String detail, @Nullable JsonNode original) {
      count++;
      LocalProgress.read();
      out.get(Rejected.TAG).output(
          Rejections.of(id, Stage.READ, reason, detail, original));
    }

    /** The id field's value when it is text or a number; else a stable hash of the content. */
    private String idOf(ObjectNode record) {
      String id = FieldPath.text(record, idField);
      return id != null && !id.isEmpty() ? id : Hashes.sha256Hex(Json.write(record), 16);
    }
  }
}
