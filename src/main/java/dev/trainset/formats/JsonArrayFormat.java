package dev.trainset.formats;

/**
 * A format whose file is one JSON array of records, one per line ({@code alpaca}, {@code
 * sharegpt}): what LLaMA-Factory and {@code json.load} read whole. An empty file is {@code []}.
 */
interface JsonArrayFormat extends OutputFormat {
  @Override
  default String extension() {
    return ".json";
  }

  @Override
  default String open() {
    return "[\n";
  }

  @Override
  default String between() {
    return ",\n";
  }

  @Override
  default String after() {
    return "";
  }

  @Override
  default String close() {
    return "\n]\n";
  }
}
