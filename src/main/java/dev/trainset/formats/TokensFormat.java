package dev.trainset.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Tokenizer;
import java.io.IOException;
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
 * <p>{@link #encode} gives an example's content array; {@code WriteTokens} orders, indexes and
 * packs them, which one example alone cannot say.
 */
public final class TokensFormat implements OutputFormat {
  static final String NAME = "tokens";

  private static final Set<String> RECORD_KEYS = Set.of("index", "content");
  private static final Set<String> SEQUENCE_KEYS = Set.of("index", "content", "doc_details");
  private static final List<String> DOC_DETAILS =
      List.of("doc_index_f", "doc_index_l", "offset_f", "offset_l");

  private final Tokenizer tokenizer;
  private final int seqLen;
  private transient @Nullable Encoding encoding;

  public TokensFormat(PipelineSpec.Output output) {
    this.tokenizer = output.tokens().tokenizer();
    this.seqLen = output.tokens().seqLen();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".jsonl";
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
    if (encoding == null) {
      encoding = tokenizer.encoding();
    }
    IntArrayList ids = encoding.encodeOrdinary(example.fullText());
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

  /** Receives each line a {@link Packer} makes, without its newline. */
  @FunctionalInterface
  public interface Lines {
    void line(String line) throws IOException;
  }

  /**
   * Cuts the examples of one file, added in index order, into sequences of {@code seq_len}
   * tokens with their {@code doc_details}; {@link #finish} writes the shorter last one.
   */
  public static final class Packer {
    private final int[] sequence;
    private final Lines out;
    private int filled;
    private long sequences;
    private long docFirst;
    private long offsetFirst;
    private long lastIndex;
    private long lastLength;

    public Packer(int seqLen, Lines out) {
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
      StringBuilder line = new StringBuilder(filled * 7 + 120)
          .append("{\"index\":").append(sequences++).append(",\"content\":[");
      for (int i = 0; i < filled; i++) {
        line.append(i == 0 ? "" : ",").append(sequence[i]);
      }
      line.append("],\"doc_details\":{\"doc_index_f\":").append(docFirst)
          .append(",\"doc_index_l\":").append(docLast)
          .append(",\"offset_f\":").append(offsetFirst)
          .append(",\"offset_l\":").append(offsetLast).append("}}");
      filled = 0;
      out.line(line.toString());
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
    return (file, readBack) -> JsonRecords.parsedLines(new FileRule(seqLen)).check(file, readBack);
  }

  /** The checks of one file: the rules of a line and those that link it to the one before. */
  private static final class FileRule implements JsonRecords.LineRule {
    private final int seqLen;
    private long previousIndex = -1;
    private long shortLine;
    private long @Nullable [] previousDetails;

    FileRule(int seqLen) {
      this.seqLen = seqLen;
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
      RecordChecks.onlyKeys(record, seqLen > 0 ? SEQUENCE_KEYS : RECORD_KEYS, "", problem);
      JsonNode index = record.get("index");
      if (!whole(index)) {
        problem.accept("'index' must be a whole number >= 0");
      } else {
        long expected = previousIndex + 1;
        if ((previousIndex >= 0 || seqLen > 0) && index.asLong() != expected) {
          problem.accept("'index' is " + index.asLong() + " where " + expected + " must come");
        }
        previousIndex = index.asLong();
      }
      int tokens = content(record.get("content"), problem);
      if (seqLen == 0) {
        readBack.record(tokens);
        return;
      }
      if (tokens > seqLen) {
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
      if (last < first || offsetLast == 0 || (first == last && offsetLast - offsetFirst != tokens)) {
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
