package dev.trainset.formats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a {@link FileCheck} found in one file: its records, their tokens, and its problems. */
public final class ReadBack {
  /** One problem and the line of the file it is on (1-based). */
  public record Problem(long line, String what) {}

  private long records;
  private long tokens;
  private final List<Problem> problems = new ArrayList<>();

  /** One record was read; {@code recordTokens} is its token count where the format counts them. */
  public void record(long recordTokens) {
    records++;
    tokens += recordTokens;
  }

  public void problem(long line, String what) {
    problems.add(new Problem(line, what));
  }

  public long records() {
    return records;
  }

  public long tokens() {
    return tokens;
  }

  public List<Problem> problems() {
    return Collections.unmodifiableList(problems);
  }
}
