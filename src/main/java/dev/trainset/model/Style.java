package dev.trainset.model;

/** How an example's text is laid out: the {@code fields.style} of the pipeline file. */
public enum Style {
  /** instruction, optional input, output (Alpaca shape). */
  INSTRUCTION,
  /** a list of role/content turns with an optional system prompt. */
  CHAT,
  /** one block of plain text (pre-training or completion data). */
  TEXT;

  /** The name used in the pipeline file and in outputs. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
