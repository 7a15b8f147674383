package dev.trainset.model;

/**
 * A stage that refuses records, by the name a rejection carries: the {@code stage} field of
 * {@code _rejected/*.jsonl} and the first half of the counter {@code
 * trainset.rejected/<stage>.<reason>}. StratifiedSplit and the writers refuse nothing, so they
 * are not here. Which reasons each stage may give is in {@link Reason}.
 */
public enum Stage {
  READ("read"),
  QUALITY("quality"),
  WEIGHTS("weights"),
  SEGMENT("segment");

  private final String label;

  Stage(String label) {
    this.label = label;
  }

  /** The name as written in output, e.g. {@code quality}. */
  public String label() {
    return label;
  }
}
