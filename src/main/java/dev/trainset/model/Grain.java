package dev.trainset.model;

/**
 * How finely the shuffles that meet records by a key (dedup's join, the split's buckets) group
 * them. The result never depends on the grain, only the size of the groups does.
 *
 * <p>{@link #FINE} keeps groups small, so no worker holds more than a few records: the grain for
 * runners that stream a group's values (Flink, Dataflow). {@link #COARSE} makes a few large groups
 * for the DirectRunner, which hands every group of a GroupByKey on as a bundle of its own and
 * evaluates each bundle of each later step separately (about 0.6 ms a bundle on 2 cores): one key
 * per record there meant one bundle per record through some forty steps.
 */
public enum Grain {
  FINE,
  COARSE;

  /** Groups under {@link #COARSE}. */
  static final int COARSE_GROUPS = 16;

  /** The grain for a runner, by its simple class name. */
  public static Grain forRunner(String runner) {
    return "DirectRunner".equals(runner) ? COARSE : FINE;
  }

  /**
   * The group a key shuffles under: the key itself, or under {@link #COARSE} one of {@value
   * #COARSE_GROUPS}, from the key's {@link String#hashCode} (the same on every JVM).
   */
  public String group(String key) {
    return this == FINE ? key : Integer.toString(Math.floorMod(key.hashCode(), COARSE_GROUPS));
  }

  /**
   * What tells a key apart within its group: nothing under {@link #FINE}, where the group is the
   * key, so that the key does not cross the shuffle twice.
   */
  public String member(String key) {
    return this == FINE ? "" : key;
  }

  /** The key back from its group and member. */
  public static String key(String group, String member) {
    return member.isEmpty() ? group : member;
  }
}
