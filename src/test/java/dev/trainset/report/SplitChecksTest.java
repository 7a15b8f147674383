package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainset.model.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitChecksTest {
  private static final List<String> TALLY = List.of(
      "{\"key\":[\"records_read\"],\"count\":11}",
      "{\"key\":[\"split\",\"train\"],\"count\":8}",
      "{\"key\":[\"split\",\"test\"],\"count\":2}",
      "{\"key\":[\"stratum\",\"a\",\"train\"],\"count\":7}",
      "{\"key\":[\"stratum\",\"a\",\"test\"],\"count\":1}",
      "{\"key\":[\"stratum\",\"b\",\"train\"],\"count\":1}",
      "{\"key\":[\"stratum\",\"b\",\"test\"],\"count\":1}",
      "{\"key\":[\"rejected\",\"duplicate\",\"quality\"],\"count\":1}",
      "{\"leakage\":\"content\",\"keys\":1,\"examples\":2,\"sample_ids\":[\"x1\",\"x2\"]}");

  @Test
  void reportsDistanceFromTheRatiosAndTheLeaksFound() throws Exception {
    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put("train", 0.75);
    ratios.put("test", 0.25);
    RunStats stats = RunStats.fromTally(TALLY, List.of("train", "test"), List.of());

    // Leakage lines are not counts: stats ignore them.
    assertEquals(10, stats.examplesExported());
    assertEquals(1, stats.recordsRejected());
    // Overall 8 of 10 in train against 7.5; stratum a: 7 of 8 against 6, so 1.0 off at worst.
    assertEquals(Json.MAPPER.readTree("{\"ratios\":{"
            + "\"train\":{\"ratio\":0.75,\"examples\":8,\"share\":0.8,\"off_by\":0.5},"
            + "\"test\":{\"ratio\":0.25,\"examples\":2,\"share\":0.2,\"off_by\":-0.5}},"
            + "\"strata_max_off_by\":1.0,"
            + "\"groups_in_two_splits\":{\"groups\":0,\"examples\":0,\"sample_ids\":[],"
            + "\"checked\":false},"
            + "\"content_in_two_splits\":{\"contents\":1,\"examples\":2,"
            + "\"sample_ids\":[\"x1\",\"x2\"]},"
            + "\"leaks\":true}"),
        // As written to the file and read back: numbers compare by value, not by node type.
        Json.MAPPER.readTree(Json.write(SplitChecks.from(TALLY, ratios, false, stats))));
  }
}
