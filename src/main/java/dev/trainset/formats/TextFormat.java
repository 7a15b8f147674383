package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code text}: plain text for reading, each example under a header line and its parts under
 * {@code [instruction]}, {@code [user]}, ... labels, examples divided by {@code separator}; long
 * lines wrapped at word boundaries when {@code max_line_length} is set.
 */
final class TextFormat implements OutputFormat {
  static final String NAME = "text";

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
    return null;
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
}
