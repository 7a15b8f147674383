package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Tokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainset.config.TokensFile;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code tokens}: raw token exports for pretraining-style loaders, one JSON object per line.
 *
 * <p>What is tokenized: the example's {@link Example#fullText()} (system, then the instruction,
 * input and output, or the turns' contents, or the text, joined by newlines: the text the quality
 * bounds judge) with the {@code output.tokens.tokenizer} encoding of jtokkit, as ordinary text: a
 * special token's spelling in the data (e.g. {@code <|endoftext|>}) is tokenized as text, never as
 * the control token. No separator token is added between examples.
 *
 * <p>An example's <em>index</em> is its rank in the deterministic order of its split (and
 * partition): the order its files are written in, the same on every runner. With {@code seq_len}
 * 0 each line is one example, {@code {"index": i, "content": [ids]}}, indexes consecutive.
 *
 * <p>With {@code seq_len} {@code n > 0} the examples of one file are concatenated in index order
 * and cut into sequences of {@code n} tokens, {@code {"index": k, "content": [n ids],
 * "doc_details": {"doc_index_f", "doc_index_l", "offset_f", "offset_l"}}}, as Megatron and
 * nanotron pack: {@code k} counts the file's sequences from 0; the sequence holds the tokens
 * {@code [offset_f, end)} of example {@code doc_index_f}, every token of the examples between, and
 * the tokens {@code [0, offset_l)} of example {@code doc_index_l} (offsets count tokens within an
 * example, {@code offset_l} exclusive); when both are one example, its tokens {@code [offset_f,
 * offset_l)}. Sequences never cross a file; a file's last sequence is kept, shorter than {@code
 * n}, so that no token is lost (a trainer that needs exact lengths drops or pads it).
 *
 * <p>{@code output.tokens.detokenize: true} writes each record's or sequence's decoded text as
 * {@code content} instead of its ids (a character that a sequence boundary cuts shows as U+FFFD).
 * {@code output.tokens.file_format: csv} writes the same records as CSV rows (RFC 4180, a header
 * row): {@code index,content}, then {@code doc_index_f,doc_index_l,offset_f,offset_l} when packed,
 * then {@code batch} when batches are selected; {@code content} holds the ids as a JSON array
 * ({@code [9906,1917]}), or the text.
 *
 * <p>With {@code output.select.batch_size}, each split's examples are shuffled by a seeded
 * permutation ({@link BatchOrder}) as a training sampler would draw them, cut into batches of
 * that size, and only the listed batches are written, each record with its {@code index} and its
 * {@code batch} number, in the order the sampler draws them.
 *
 * <p>{@link #encode} gives an example's content array; {@code WriteTokens} orders, indexes and
 * packs them, which one example alone cannot say.
 */
public final class TokensFormat implements OutputFormat {
  static final String NAME = "tokens";

  private static final Set<String> RECORD_KEYS = Set.of("index", "content");
  private static final Set<String> SEQUENCE_KEYS = Set.of("index", "content", "doc_details");
  private static final Set<String> BATCH_KEYS = Set.of("index", "content", "batch");
  private static final List<String> DOC_DETAILS =
      List.of("doc_index_f", "doc_index_l", "offset_f", "offset_l");
  static final String LINE_END = "\r\n";

  private final Tokenizer tokenizer;
  private final int seqLen;
  private final boolean detokenize;
  private final boolean csv;
  private final PipelineSpec.Select select;
  private transient @Nullable Encoding encoding;
  private transient @Nullable ObjectWriter csvRows;

  public TokensFormat(PipelineSpec.Output output) {
    this.tokenizer = output.tokens().tokenizer();
    this.seqLen = output.tokens().seqLen();
    this.detokenize = output.tokens().detokenize();
    this.csv = output.tokens().fileFormat() == TokensFile.CSV;
    this.select = output.select();
  }

  /** Whether files are CSV rather than JSON lines. */
  public boolean csv() {
    return csv;
  }

  /** Whether whole batches of a seeded shuffle are selected ({@code output.select.batch_size}). */
  public boolean byBatch() {
    return select.byBatch();
  }

  /** The batches of a split of {@code size} examples, as {@code output.select} lists them. */
  public BatchOrder batchOrder(long size) {
    return new BatchOrder(select.seed(), size, select.batchSize(), select.batchRanges());
  }

  /** What a file starts with: the CSV header row, or nothing. */
  public String header() {
    if (!csv) {
      return "";
    }
    List<String> columns = new ArrayList<>(List.of("index", "content"));
    if (seqLen > 0) {
      columns.addAll(DOC_DETAILS);
    }
    if (select.byBatch()) {
      columns.add("batch");
    }
    return csvRow(columns) + LINE_END;
  }

  /**
   * One record, without its line end: example or sequence {@code index}, its first {@code length}
   * ids, its {@code details} ({@code doc_index_f, doc_index_l, offset_f, offset_l}) when packed,
   * its {@code batch} when batches are selected (else -1).
   */
  public String line(long index, int[] ids, int length, long @Nullable [] details, long batch) {
    String content;
    if (detokenize) {
      IntArrayList list = new IntArrayList(length);
      for (int i = 0; i < length; i++) {
        list.add(ids[i]);
      }
      content = encoding().decode(list);
    } else {
      StringBuilder array = new StringBuilder(length * 7 + 2).append('[');
      for (int i = 0; i < length; i++) {
        array.append(i == 0 ? "" : ",").append(ids[i]);
      }
      content = array.append(']').toString();
    }
    if (csv) {
      List<String> cells = new ArrayList<>(List.of(Long.toString(index), content));
      if (details != null) {
        for (long detail : details) {
          cells.add(Long.toString(detail));
        }
      }
      if (batch >= 0) {
        cells.add(Long.toString(batch));
      }
      return csvRow(cells);
    }
    StringBuilder line = new StringBuilder(content.length() + 120)
        .append("{\"index\":").append(index).append(",\"content\":")
        .append(detokenize ? Json.write(TextNode.valueOf(content)) : content);
    if (details != null) {
      line.append(",\"doc_details\":{\"doc_index_f\":").append(details[0])
          .append(",\"doc_index_l\":").append(details[1])
          .append(",\"offset_f\":").append(details[2])
          .append(",\"offset_l\":").append(details[3]).append('}');
    }
    if (batch >= 0) {
      line.append(",\"batch\":").append(batch);
    }
    return line.append('}').toString();
  }

  private String csvRow(List<String> cells) {
    if (csvRows == null) {
      // Jackson's default quoting, as the csv format: a line break inside a cell is quoted.
      csvRows = new CsvMapper().writerFor(String[].class)
          .with(CsvSchema.emptySchema().withLineSeparator(LINE_END));
    }
    try {
      String row = csvRows.writeValueAsString(cells.toArray(String[]::new));
      return row.substring(0, row.length() - LINE_END.length());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Encoding encoding() {
    if (encoding == null) {
      encoding = tokenizer.encoding();
    }
    return encoding;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return csv ? ".csv" : ".jsonl";
  }

  /** Tokens per packed sequence; 0: one example per line. */
  public int seqLen() {
    return seqLen;
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    // An empty text has no tokens: no record to write, no place in a sequence.
    return example.fullText().isEmpty() ? "the example has no text to tokenize" : null;
  }

  /** The example's token ids as a JSON array, {@code [9906,1917]}: its record's content. */
  @Override
  public String encode(Example example) {
    IntArrayList ids = encoding().encodeOrdinary(example.fullText());
    StringBuilder content = new StringBuilder(ids.size() * 7 + 2).append('[');
    for (int i = 0; i < ids.size(); i++) {
      content.append(i == 0 ? "" : ",").append(ids.get(i));
    }
    return content.append(']').toString();
  }

  /** The line of example {@code index} whose {@link #encode}d content is {@code content}. */
  public static String record(long index, String content) {
    return "{\"index\":" + index + ",\"content\":" + content + "}";
  }

  /** Receives each sequence a {@link Packer} makes. */
  @FunctionalInterface
  public interface Sequences {
    /**
     * Sequence {@code index}: the first {@code length} of {@code ids} (reused after the call),
     * with its {@code doc_index_f, doc_index_l, offset_f, offset_l}.
     */
    void sequence(long index, int[] ids, int length, long[] details) throws IOException;
  }

  /**
   * Cuts the examples of one file, added in index order, into sequences of {@code seq_len}
   * tokens with their {@code doc_details}; {@link #finish} writes the shorter last one.
   */
  public static final class Packer {
    private final int[] sequence;
    private final Sequences out;
    private int filled;
    private long sequences;
    private long docFirst;
    private long offsetFirst;
    private long lastIndex;
    private long lastLength;

    public Packer(int seqLen, Sequences out) {
      if (seqLen <= 0) {
        throw new IllegalArgumentException("seq_len must be > 0 to pack, got " + seqLen);
      }
      this.sequence = new int[seqLen];
      this.out = out;
    }

    /** Adds example {@code index}'s tokens; writes each sequence they complete. */
    public void add(long index, int[] ids) throws IOException {
      int position = 0;
      while (position < ids.length) {
        if (filled == 0) {
          docFirst = index;
          offsetFirst = position;
        }
        int take = Math.min(sequence.length - filled, ids.length - position);
        System.arraycopy(ids, position, sequence, filled, take);
        filled += take;
        position += take;
        if (filled == sequence.length) {
          emit(index, position);
        }
      }
      lastIndex = index;
      lastLength = ids.length;
    }

    /** Writes what is left as a last, shorter sequence. */
    public void finish() throws IOException {
      if (filled > 0) {
        emit(lastIndex, lastLength);
      }
    }

    private void emit(long docLast, long offsetLast) throws IOException {
      int length = filled;
      filled = 0;
      out.sequence(sequences++, sequence, length,
          new long[] {docFirst, docLast, offsetFirst, offsetLast});
    }
  }

  /**
   * Each line a JSON object of exactly these keys; indexes whole, from 0 and consecutive in a
   * packed file, consecutive in an unpacked one; ids whole and not negative. Packed: every
   * sequence {@code seq_len} long but a file's last, {@code doc_details} consistent with its
   * length and continuing the previous sequence's. Its records are examples (a packed line
   * counts the examples that start in it), so that they compare with the run's count.
   */
  @Override
  public FileCheck fileCheck() {
    if (csv) {
      return (file, readBack) -> csvRows(file, readBack, new FileRule(this));
    }
    return (file, readBack) -> JsonRecords.parsedLines(new FileRule(this)).check(file, readBack);
  }

  /**
   * A CSV file: its header must name the columns {@link #header} names; each row becomes the
   * record its JSON line would be, for {@code rule}.
   */
  private void csvRows(InputStream file, ReadBack readBack, FileRule rule) throws IOException {
    String expected = header().strip();
    CsvMapper mapper = new CsvMapper();
    try (MappingIterator<String[]> rows = mapper.readerFor(String[].class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY)
        .readValues(new InputStreamReader(file, StandardCharsets.UTF_8))) {
      List<String> columns = null;
      while (true) {
        long number = rows.getCurrentLocation().getLineNr();
        String[] row;
        try {
          if (!rows.hasNextValue()) {
            break;
          }
          number = rows.getCurrentLocation().getLineNr();
          row = rows.nextValue();
        } catch (RuntimeException e) {
          readBack.problem(number, "not CSV: " + e.getMessage());
          return;
        }
        if (columns == null) {
          columns = List.of(row);
          if (!String.join(",", columns).equals(expected)) {
            readBack.problem(number, "the header is '" + String.join(",", columns) + "' where '"
                + expected + "' must be");
            return;
          }
          continue;
        }
        if (row.length != columns.size()) {
          readBack.problem(number, "a row of " + row.length + " cells under a header of "
              + columns.size());
          continue;
        }
        ObjectNode record = Json.MAPPER.createObjectNode();
        ObjectNode details = Json.MAPPER.createObjectNode();
        for (int i = 0; i < row.length; i++) {
          JsonNode value = "content".equals(columns.get(i)) && detokenize
              ? TextNode.valueOf(row[i]) : cellValue(row[i]);
          if (DOC_DETAILS.contains(columns.get(i))) {
            details.set(columns.get(i), value);
          } else {
            record.set(columns.get(i), value);
          }
        }
        if (seqLen > 0) {
          record.set("doc_details", details);
        }
        rule.check(record, number, readBack);
      }
    }
  }

  /** A cell as JSON when it parses as JSON (numbers, arrays of ids), else as text. */
  private static JsonNode cellValue(String cell) {
    try {
      return Json.MAPPER.readTree(cell);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(cell);
    }
  }

  /** The checks of one file: the rules of a line and those that link it to the one before. */
  private static final class FileRule implements JsonRecords.LineRule {
    private final TokensFormat format;
    private final int seqLen;
    private final boolean byBatch;
    private long previousIndex = -1;
    private long previousBatch = -1;
    private long shortLine;
    private long @Nullable [] previousDetails;

    FileRule(TokensFormat format) {
      this.format = format;
      this.seqLen = format.seqLen;
      this.byBatch = format.select.byBatch();
    }

    @Override
    public void check(JsonNode record, long number, ReadBack readBack) {
      Consumer<String> problem = what -> readBack.problem(number, what);
      if (!record.isObject()) {
        problem.accept("a record must be a JSON object");
        return;
      }
      if (shortLine > 0) {
        problem.accept("follows line " + shortLine + ", a sequence shorter than seq_len "
            + seqLen + " (only a file's last may be)");
        shortLine = 0;
      }
      RecordChecks.onlyKeys(record,
          seqLen > 0 ? SEQUENCE_KEYS : byBatch ? BATCH_KEYS : RECORD_KEYS, "", problem);
      JsonNode index = record.get("index");
      if (!whole(index)) {
        problem.accept("'index' must be a whole number >= 0");
      } else if (byBatch) {
        // Batches are written in the sampler's order: indexes jump, batches never go back.
        JsonNode batch = record.get("batch");
        if (!whole(batch)) {
          problem.accept("'batch' must be a whole number >= 0");
        } else if (batch.asLong() < previousBatch) {
          problem.accept("'batch' is " + batch.asLong() + " after batch " + previousBatch);
        } else {
          previousBatch = batch.asLong();
        }
      } else {
        long expected = previousIndex + 1;
        if ((previousIndex >= 0 || seqLen > 0) && index.asLong() != expected) {
          problem.accept("'index' is " + index.asLong() + " where " + expected + " must come");
        }
        previousIndex = index.asLong();
      }
      int tokens = format.detokenize
          ? text(record.get("content"), problem) : content(record.get("content"), problem);
      if (seqLen == 0) {
        readBack.record(tokens);
        return;
      }
      if (format.detokenize) {
        // Decoded text does not tell a sequence's length: re-encoding it may cut it otherwise.
      } else if (tokens > seqLen) {
        problem.accept("'content' holds " + tokens + " tokens; seq_len is " + seqLen);
      } else if (tokens < seqLen) {
        shortLine = number;
      }
      long[] details = details(record.get("doc_details"), problem);
      if (details == null) {
        previousDetails = null;
        return;
      }
      long first = details[0];
      long last = details[1];
      long offsetFirst = details[2];
      long offsetLast = details[3];
      if (last < first || offsetLast == 0
          || (first == last && !format.detokenize && offsetLast - offsetFirst != tokens)) {
        problem.accept("'doc_details' " + record.get("doc_details")
            + " do not describe the " + tokens + " tokens of 'content'");
      }
      boolean continues = previousDetails == null
          ? offsetFirst == 0
          : (first == previousDetails[1] && offsetFirst == previousDetails[3])
              || (first == previousDetails[1] + 1 && offsetFirst == 0);
      if (!continues) {
        problem.accept("'doc_details' do not start where the "
            + (previousDetails == null ? "file's first example starts" : "previous sequence ended"));
      }
      previousDetails = details;
      // The examples that start in this sequence: each after the first, and the first at 0.
      for (long started = last - first + (offsetFirst == 0 ? 1 : 0); started > 0; started--) {
        readBack.record(0);
      }
    }

    private static boolean whole(@Nullable JsonNode value) {
      return value != null && value.isIntegralNumber() && value.canConvertToLong()
          && value.asLong() >= 0;
    }

    /** The tokens of decoded {@code content}, a non-empty string, as the tokenizer counts them. */
    private int text(@Nullable JsonNode content, Consumer<String> problem) {
      if (content == null || !content.isTextual() || content.textValue().isEmpty()) {
        problem.accept("'content' must be the non-empty decoded text");
        return 0;
      }
      return format.encoding().countTokensOrdinary(content.textValue());
    }

    /** The number of ids in {@code content}, a non-empty list of whole numbers >= 0. */
    private static int content(@Nullable JsonNode content, Consumer<String> problem) {
      if (content == null || !content.isArray() || content.isEmpty()) {
        problem.accept("'content' must be a non-empty list of token ids");
        return 0;
      }
      for (int i = 0; i < content.size(); i++) {
        if (!content.get(i).isIntegralNumber() || !content.get(i).canConvertToInt()
            || content.get(i).asInt() < 0) {
          problem.accept("'content'[" + i + "] is " + content.get(i)
              + "; a token id is a whole number >= 0");
          break;
        }
      }
      return content.size();
    }

    private static long @Nullable [] details(@Nullable JsonNode details, Consumer<String> problem) {
      if (details == null || !details.isObject()) {
        problem.accept("'doc_details' must be an object of " + String.join(", ", DOC_DETAILS));
        return null;
      }
      RecordChecks.onlyKeys(details, Set.copyOf(DOC_DETAILS), "doc_details: ", problem);
      long[] values = new long[DOC_DETAILS.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode value = details.get(DOC_DETAILS.get(i));
        if (!whole(value)) {
          problem.accept("'doc_details." + DOC_DETAILS.get(i) + "' must be a whole number >= 0");
          return null;
        }
        values[i] = value.asLong();
      }
      return values;
    }
  }
}
