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

  /** Hex digits of a content key that name its group under {@link #COARSE}: 16 groups. */
  private static final int COARSE_PREFIX = 1;

  /** The grain for a runner, by its simple class name. */
  public static Grain forRunner(String runner) {
    return "DirectRunner".equals(runner) ? COARSE : FINE;
  }

  /** The group a hex key shuffles under: the key itself, or under {@link #COARSE} its prefix. */
  public String group(String hexKey) {
    return this == FINE ? hexKey : hexKey.substring(0, COARSE_PREFIX);
  }

  /**
   * What tells a hex key apart within its group: nothing under {@link #FINE}, where the group is
   * the key, so that the key does not cross the shuffle twice.
   */
  public String member(String hexKey) {
    return this == FINE ? "" : hexKey;
  }

  /** The key back from its group and member. */
  public static String key(String group, String member) {
    return member.isEmpty() ? group : member;
  }
}
