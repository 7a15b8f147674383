package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStatsTest {
  private static JsonNode json(RunStats stats) throws Exception {
    return Json.MAPPER.readTree(stats.toJson("t", "DirectRunner", 5, Map.of()));
  }

  @Test
  void segmentationCountsAndTheWeightDistributionAreReported() throws Exception {
    List<String> tally = List.of(
        "{\"key\": [\"records_read\"], \"count\": 3}",
        "{\"key\": [\"documents_segmented\"], \"count\": 2}",
        "{\"key\": [\"examples_cut\"], \"count\": 5}",
        "{\"key\": [\"split\", \"train\"], \"count\": 4}",
        "{\"key\": [\"rejected\", \"segment_incomplete\", \"segment\"], \"count\": 1}",
        "{\"key\": [\"rejected\", \"no_segments\", \"segment\"], \"count\": 1}",
        "{\"weights\": {\"min\": 0.5, \"p25\": 0.5, \"p50\": 1.0, \"p75\": 1.5, \"max\": 1.5}}",
        "{\"weights\": {\"mean\": 1.0}}");

    RunStats run = RunStats.fromTally(tally, List.of("train"), List.of());
    run.setFreshnessReference(Instant.parse("2026-01-01T00:00:00Z"));
    JsonNode stats = json(run);

    assertEquals(2, stats.get("documents_segmented").asLong());
    assertEquals(5, stats.get("examples_cut").asLong());
    assertEquals(stats.get("records_read").asLong() - stats.get("documents_segmented").asLong()
            + stats.get("examples_cut").asLong(),
        stats.get("examples_exported").asLong() + stats.get("records_rejected").asLong());
    assertEquals(Json.MAPPER.readTree("{\"min\": 0.5, \"p25\": 0.5, \"p50\": 1.0, \"p75\": 1.5,"
            + " \"max\": 1.5, \"mean\": 1.0, \"freshness_reference\": \"2026-01-01T00:00:00Z\"}"),
        stats.get("weights"));
  }

  @Test
  void withoutSegmentationOrExamplesThoseSectionsAreAbsent() throws Exception {
    JsonNode stats = json(RunStats.fromTally(
        List.of("{\"key\": [\"records_read\"], \"count\": 1}",
            "{\"key\": [\"rejected\", \"parse_error\", \"read\"], \"count\": 1}"),
        List.of("train"), List.of()));

    assertFalse(stats.has("documents_segmented"));
    assertFalse(stats.has("examples_cut"));
    assertFalse(stats.has("weights"));
  }
}
