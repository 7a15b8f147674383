package dev.trainset.formats;

import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One output format: its name, its file extension, how it encodes one example, and what it
 * cannot represent. A file of the format is {@link #open()}, then the encoded examples with
 * {@link #between()} between two of them and {@link #after()} after each, then {@link #close()}.
 *
 * <p>To add a format, implement this and a {@link Provider}, and list the provider in {@code
 * META-INF/services/dev.trainset.formats.OutputFormat$Provider}; name it in {@code
 * output.formats}.
 */
public interface OutputFormat extends Serializable {

  /** The name used in {@code output.formats} and as the output folder. */
  String name();

  /** The file extension with its dot, e.g. {@code .jsonl}. */
  String extension();

  /**
   * Why this format cannot hold {@code example} (it goes to {@code _validation/} instead), or
   * null when it can.
   */
  @Nullable String unrepresentable(Example example);

  /** The example's bytes in this format, without separators; only called when representable. */
  String encode(Example example);

  /** What a file starts with. */
  default String open() {
    return "";
  }

  /** What stands between two records of one file. */
  default String between() {
    return "";
  }

  /** What follows each record. */
  default String after() {
    return "\n";
  }

  /** What a file ends with. */
  default String close() {
    return "";
  }

  /**
   * How to read a file of this format back, or null when trainset cannot (a binary or custom
   * format that does not say): the run's read-back and {@code trainset validate} use it.
   */
  default @Nullable FileCheck fileCheck() {
    return null;
  }

  /**
   * Makes a format from the {@code output} section; found by ServiceLoader for custom formats,
   * which {@link Formats} describes from it.
   */
  interface Provider {
    String name();

    OutputFormat create(PipelineSpec.Output output);

    /** What the files hold: JSON lines unless the provider says one JSON array, or text. */
    default FormatKind kind() {
      return FormatKind.JSON_LINES;
    }

    /**
     * Whether trainset may read the files back: it does with the {@link OutputFormat#fileCheck()}
     * of the format {@link #create} makes, when it has one; false lists them as not checked.
     */
    default boolean canReadBack() {
      return true;
    }
  }
}
