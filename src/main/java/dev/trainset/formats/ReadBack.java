package dev.trainset.formats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link FileCheck} found in one file: its records, their tokens, the top-level keys its
 * records use, its problems, and its warnings (what a consumer of the file may refuse although
 * every record is valid).
 */
public final class ReadBack {
  /** One problem and the line of the file it is on (1-based). */
  public record Problem(long line, String what) {}

  private long records;
  private long tokens;
  private final Map<String, Long> keys = new TreeMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** One record was read; {@code recordTokens} is its token count where the format counts them. */
  public void record(long recordTokens) {
    records++;
    tokens += recordTokens;
  }

  /** One more record of the file has the top-level key {@code key}. */
  public void key(String key) {
    keys.merge(key, 1L, Long::sum);
  }

  public void problem(long line, String what) {
    problems.add(new Problem(line, what));
  }

  /** Something about the whole file a consumer may refuse; not a problem of any record. */
  public void warning(String what) {
    warnings.add(what);
  }

  public long records() {
    return records;
  }

  public long tokens() {
    return tokens;
  }

  /**
   * The top-level keys of the file's records, sorted, each with the number of records that have
   * it (for the formats of JSON records).
   */
  public Map<String, Long> keys() {
    return Collections.unmodifiableMap(keys);
  }

  public List<Problem> problems() {
    return Collections.unmodifiableList(problems);
  }

  public List<String> warnings() {
    return Collections.unmodifiableList(warnings);
  }
}
