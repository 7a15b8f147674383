package dev.trainset.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The numbers of one run, read from the tally the pipeline wrote, as {@code stats.json} (README,
 * "What a run writes") and the one-line summary.
 */
public final class RunStats {
  /** Files and bytes one format wrote, from listing its folder. */
  public record FormatFiles(long files, long bytes) {}

  private long recordsRead;
  private final Map<String, Long> rejectedByReason = new TreeMap<>();
  private final Map<String, Map<String, Long>> rejectedByStage = new TreeMap<>();
  /** split -> chars or tokens -> {@link Histogram} bin -> examples. */
  private final Map<String, Map<String, Map<Double, Long>>> lengths = new LinkedHashMap<>();
  private final Map<Double, Long> weightBins = new TreeMap<>();
  private final Map<String, Long> splits = new LinkedHashMap<>();
  private final Map<String, Map<String, Long>> strata = new TreeMap<>();
  private final Map<String, Map<String, Long>> formatCounts = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final Map<String, Long> segmentation = new LinkedHashMap<>();
  private final ObjectNode weights = Json.MAPPER.createObjectNode();

  private RunStats() {}

  /**
   * Reads the tally lines; {@code splitNames} and {@code formatNames} give the order (and the
   * zero entries) of the report.
   */
  public static RunStats fromTally(
      List<String> lines, List<String> splitNames, List<String> formatNames) {
    RunStats stats = new RunStats();
    splitNames.forEach(split -> stats.splits.put(split, 0L));
    splitNames.forEach(split -> stats.lengths.put(split, new TreeMap<>()));
    formatNames.forEach(format -> stats.formatCounts.put(format, new LinkedHashMap<>()));
    for (String text : lines) {
      JsonNode line = read(text);
      if (line.has("error")) {
        stats.errors.add(line.get("error").asText());
        continue;
      }
      if (line.has("weights")) {
        stats.weights.setAll((ObjectNode) line.get("weights"));
        continue;
      }
      if (line.has(SplitChecks.LEAKAGE) || line.has(RunTally.SAMPLE)
          || line.has(RunTally.CLUSTER) || line.has(RunTally.CLUSTERS)) {
        continue;
      }
      List<String> key = new ArrayList<>();
      line.get("key").forEach(part -> key.add(part.asText()));
      long count = line.get("count").asLong();
      switch (key.get(0)) {
        case "records_read" -> stats.recordsRead += count;
        case "rejected" -> {
          stats.rejectedByReason.merge(key.get(1), count, Long::sum);
          stats.rejectedByStage.computeIfAbsent(key.get(2), stage -> new TreeMap<>())
              .merge(key.get(1), count, Long::sum);
        }
        case "length" -> stats.lengths
            .computeIfAbsent(key.get(1), split -> new TreeMap<>())
            .computeIfAbsent(key.get(2), measure -> new TreeMap<>())
            .merge(Double.parseDouble(key.get(3)), count, Long::sum);
        case "weight" -> stats.weightBins.merge(Double.parseDouble(key.get(1)), count, Long::sum);
        case "split" -> stats.splits.merge(key.get(1), count, Long::sum);
        case "stratum" -> stats.strata
            .computeIfAbsent(key.get(1), stratum -> zeroes(splitNames))
            .merge(key.get(2), count, Long::sum);
        case "documents_segmented", "examples_cut" ->
            stats.segmentation.merge(key.get(0), count, Long::sum);
        case "format" -> stats.formatCounts
            .computeIfAbsent(key.get(1), format -> new LinkedHashMap<>())
            .merge(key.get(2), count, Long::sum);
        default -> throw new IllegalStateException("unknown tally key " + key);
      }
    }
    stats.errors.sort(null);
    return stats;
  }

  private static Map<String, Long> zeroes(List<String> names) {
    Map<String, Long> map = new LinkedHashMap<>();
    names.forEach(name -> map.put(name, 0L));
    return map;
  }

  /**
   * Records the instant freshness was measured against ({@code weights.freshness.reference}, which
   * may be {@code now}) under {@code weights} in stats.json.
   */
  public void setFreshnessReference(Instant reference) {
    weights.put("freshness_reference", reference.toString());
  }

  public long recordsRead() {
    return recordsRead;
  }

  public long examplesExported() {
    return splits.values().stream().mapToLong(Long::longValue).sum();
  }

  public long recordsRejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> rejectedByReason() {
    return rejectedByReason;
  }

  public Map<String, Long> splits() {
    return splits;
  }

  /** Examples per split of each stratum, strata sorted by value. */
  public Map<String, Map<String, Long>> strata() {
    return strata;
  }

  /** The records the run wrote in {@code format}. */
  public long formatRecords(String format) {
    return formatCounts.getOrDefault(format, Map.of()).getOrDefault("records", 0L);
  }

  /** The examples {@code format} could not represent (sent to {@code _validation/}). */
  public long formatInvalid(String format) {
    return formatCounts.getOrDefault(format, Map.of()).getOrDefault("invalid", 0L);
  }

  /** {@code statsJson} with {@code "on_complete": {"argv", "exit_code"}} added. */
  public static String withOnComplete(String statsJson, List<String> argv, int exitCode) {
    ObjectNode stats = (ObjectNode) read(statsJson);
    ObjectNode onComplete = stats.putObject("on_complete");
    ArrayNode args = onComplete.putArray("argv");
    argv.forEach(args::add);
    onComplete.put("exit_code", exitCode);
    return Json.pretty(stats);
  }

  /** {@code stats.json}, keys in the order README lists them. */
  public String toJson(
      String name, String runner, long durationMs, Map<String, FormatFiles> files) {
    ObjectNode stats = Json.MAPPER.createObjectNode();
    stats.put("name", name);
    stats.put("runner", runner);
    stats.put("duration_ms", durationMs);
    stats.put("records_read", recordsRead);
    stats.put("examples_exported", examplesExported());
    stats.put("records_rejected", recordsRejected());
    if (!segmentation.isEmpty()) {
      // records_read - documents_segmented + examples_cut = examples_exported + records_rejected
      stats.put("documents_segmented", segmentation.getOrDefault("documents_segmented", 0L));
      stats.put("examples_cut", segmentation.getOrDefault("examples_cut", 0L));
    }
    ObjectNode reasons = stats.putObject("rejected_by_reason");
    rejectedByReason.forEach(reasons::put);
    ObjectNode stages = stats.putObject("rejected_by_stage");
    rejectedByStage.forEach((stage, counts) -> {
      ObjectNode perReason = stages.putObject(stage);
      counts.forEach(perReason::put);
    });
    ObjectNode splitCounts = stats.putObject("splits");
    splits.forEach(splitCounts::put);
    ObjectNode strataCounts = stats.putObject("strata");
    strata.forEach((stratum, counts) -> {
      ObjectNode perSplit = strataCounts.putObject(stratum);
      counts.forEach(perSplit::put);
    });
    ObjectNode formats = stats.putObject("formats");
    formatCounts.forEach((format, counts) -> {
      ObjectNode entry = formats.putObject(format);
      FormatFiles written = files.getOrDefault(format, new FormatFiles(0, 0));
      entry.put("files", written.files());
      entry.put("records", counts.getOrDefault("records", 0L));
      entry.put("bytes", written.bytes());
      entry.put("invalid", counts.getOrDefault("invalid", 0L));
    });
    ObjectNode lengthBins = stats.putObject("lengths");
    lengths.forEach((split, measures) -> {
      ObjectNode perSplit = lengthBins.putObject(split);
      measures.forEach((measure, bins) -> {
        ArrayNode list = perSplit.putArray(measure);
        bins.forEach((bin, examples) -> list.addObject()
            .put("min", Histogram.firstWhole(bin))
            .put("max", Histogram.lastWhole(bin))
            .put("examples", examples));
      });
    });
    if (!weights.isEmpty() || !weightBins.isEmpty()) {
      ObjectNode weightStats = weights.deepCopy();
      if (!weightBins.isEmpty()) {
        ArrayNode list = weightStats.putArray("histogram");
        weightBins.forEach((bin, examples) -> list.addObject()
            .put("from", bin)
            .put("to", Histogram.binEnd(bin))
            .put("examples", examples));
      }
      stats.set("weights", weightStats);
    }
    ArrayNode errorList = stats.putArray("errors");
    errors.forEach(errorList::add);
    return Json.pretty(stats);
  }


  /** {@code read 1000, exported 950 (train 760, ...), rejected 50 (duplicate 30, ...)}. */
  public String summary() {
    return summary(recordsRead, examplesExported(), splits, recordsRejected(), rejectedByReason);
  }

  /** The {@link #summary} of a run from its stats.json, as a launcher prints it. */
  public static String summaryOf(String statsJson) {
    JsonNode stats = read(statsJson);
    Map<String, Long> splits = new LinkedHashMap<>();
    stats.get("splits").fields().forEachRemaining(e -> splits.put(e.getKey(), e.getValue().asLong()));
    Map<String, Long> reasons = new LinkedHashMap<>();
    stats.get("rejected_by_reason").fields()
        .forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    return summary(stats.get("records_read").asLong(), stats.get("examples_exported").asLong(),
        splits, stats.get("records_rejected").asLong(), reasons);
  }

  private static String summary(long read, long exported, Map<String, Long> splits,
      long rejected, Map<String, Long> reasons) {
    String perSplit = splits.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
    String perReason = reasons.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
    return "read " + read + ", exported " + exported + " (" + perSplit + ")"
        + ", rejected " + rejected + (perReason.isEmpty() ? "" : " (" + perReason + ")");
  }

  private static JsonNode read(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
