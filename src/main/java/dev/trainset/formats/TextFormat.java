package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code text}: plain text for reading, each example under a header line and its parts under
 * {@code [instruction]}, {@code [user]}, ... labels, examples divided by {@code separator}; long
 * lines wrapped at word boundaries when {@code max_line_length} is set. A reader finds the records
 * again by cutting at the separator, so an example whose text holds the separator (or an empty
 * record, without headers) cannot be written and goes to validation.
 */
final class TextFormat implements OutputFormat {
  static final String NAME = "text";

  private static final Pattern HEADER = Pattern.compile("id: .* \\| split: .* \\| weight: .*");

  private final String separator;
  private final boolean includeHeaders;
  private final int maxLineLength;

  TextFormat(PipelineSpec.Output output) {
    this.separator = output.text().separator();
    this.includeHeaders = output.text().includeHeaders();
    this.maxLineLength = output.text().maxLineLength();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".txt";
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    // Judged on the record as written: the header and labels can hold the separator too.
    String record = encode(example);
    if (record.isEmpty()) {
      return "an empty record cannot be told apart from no record";
    }
    // The separator inside the record, or overlapping its start or end, cuts it in the wrong place.
    if ((record + separator).indexOf(separator) != record.length()
        || (separator + record).lastIndexOf(separator) != 0) {
      return "the text holds the separator " + printable(separator)
          + ", so a reader could not tell where the record ends";
    }
    return null;
  }

  private static String printable(String text) {
    return "'" + text.replace("\n", "\\n").replace("\t", "\\t") + "'";
  }

  @Override
  public String encode(Example example) {
    StringBuilder text = new StringBuilder();
    if (includeHeaders) {
      text.append("id: ").append(example.id())
          .append(" | split: ").append(example.split())
          .append(" | weight: ").append(example.weight()).append('\n');
    }
    if (example.system() != null) {
      part(text, "system", example.system());
    }
    switch (example.style()) {
      case INSTRUCTION -> {
        part(text, "instruction", example.instruction());
        if (!example.input().isEmpty()) {
          part(text, "input", example.input());
        }
        part(text, "output", example.output());
      }
      case CHAT -> {
        for (Message message : example.messages()) {
          part(text, message.role(), message.content());
        }
      }
      case TEXT -> text.append(wrap(example.text())).append('\n');
    }
    // Drop the newline after the last part; an example with no parts is an empty record.
    return text.isEmpty() ? "" : text.substring(0, text.length() - 1);
  }

  private void part(StringBuilder text, String label, String content) {
    text.append('[').append(label).append("]\n").append(wrap(content)).append('\n');
  }

  /** Breaks lines longer than {@code max_line_length} at the last space that fits. */
  String wrap(String content) {
    if (maxLineLength <= 0) {
      return content;
    }
    StringBuilder wrapped = new StringBuilder(content.length() + 16);
    for (String line : content.split("\n", -1)) {
      while (line.length() > maxLineLength) {
        int cut = line.lastIndexOf(' ', maxLineLength);
        if (cut <= 0) {
          // No space to break at: cut hard, but never between the two halves of a character.
          int hard = Character.isHighSurrogate(line.charAt(maxLineLength - 1)) && maxLineLength > 1
              ? maxLineLength - 1 : maxLineLength;
          wrapped.append(line, 0, hard).append('\n');
          line = line.substring(hard);
        } else {
          wrapped.append(line, 0, cut).append('\n');
          line = line.substring(cut + 1);
        }
      }
      wrapped.append(line).append('\n');
    }
    return wrapped.substring(0, wrapped.length() - 1);
  }

  @Override
  public String between() {
    return separator;
  }

  @Override
  public String after() {
    return "";
  }

  @Override
  public String close() {
    return "\n";
  }

  @Override
  public FileCheck fileCheck() {
    return (file, readBack) -> {
      RecordSplitter records = new RecordSplitter(readBack);
      Utf8Lines.read(file, readBack, records::line);
      records.finish();
    };
  }

  /** Cuts the lines of a file into records at the separator, holding one record at a time. */
  private final class RecordSplitter {
    private final ReadBack readBack;
    private final StringBuilder pending = new StringBuilder();
    private long pendingLine = 1;
    private long lines;
    private boolean lastTerminated = true;
    private boolean cut;

    RecordSplitter(ReadBack readBack) {
      this.readBack = readBack;
    }

    void line(long number, String text, boolean terminated) {
      lines = number;
      lastTerminated = terminated;
      pending.append(text);
      if (terminated) {
        pending.append('\n');
      }
      int at;
      while ((at = pending.indexOf(separator)) >= 0) {
        record(pending.substring(0, at));
        String consumed = pending.substring(0, at + separator.length());
        pendingLine += consumed.chars().filter(c -> c == '\n').count();
        pending.delete(0, at + separator.length());
        cut = true;
      }
    }

    /** The file ends with a newline after its last record; an empty file is just that newline. */
    void finish() {
      if (!lastTerminated) {
        readBack.problem(lines, "the file does not end with a newline");
      } else if (pending.length() > 0) {
        pending.setLength(pending.length() - 1);
      }
      if (cut || pending.length() > 0) {
        record(pending.toString());
      }
    }

    private void record(String record) {
      if (record.isEmpty()) {
        readBack.problem(pendingLine, "an empty record");
      } else if (includeHeaders && !HEADER.matcher(record.lines().findFirst().orElse("")).matches()) {
        readBack.problem(pendingLine, "the record does not start with an 'id: ... | split: ..."
            + " | weight: ...' header");
      }
      readBack.record(0);
    }
  }
}
