package dev.trainset.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The {@code splits} section of {@code _report/validation.json}: how far each split is from its
 * ratio, overall and at worst within a stratum, and the leakage the pipeline found between splits
 * (tally lines of {@link dev.trainset.split.SplitLeakage}).
 *
 * <pre>{"ratios": {"train": {"ratio": 0.8, "examples": 760, "share": 0.8, "off_by": 0.0}, ...},
 *  "strata_max_off_by": 0.4,
 *  "groups_in_two_splits": {"checked": true, "groups": 0, "examples": 0, "sample_ids": []},
 *  "content_in_two_splits": {"contents": 0, "examples": 0, "sample_ids": []},
 *  "leaks": false}</pre>
 *
 * {@code off_by} is in examples: exported minus {@code ratio x total}.
 */
public final class SplitChecks {
  /** The field that marks a leakage line in the tally. */
  public static final String LEAKAGE = "leakage";

  private SplitChecks() {}

  /** The section, from the tally lines, the configured ratios and the run's counts. */
  public static ObjectNode from(
      List<String> tallyLines, Map<String, Double> ratios, boolean groupsChecked, RunStats stats) {
    ObjectNode section = Json.MAPPER.createObjectNode();
    ObjectNode perSplit = section.putObject("ratios");
    long total = stats.examplesExported();
    ratios.forEach((split, ratio) -> {
      long examples = stats.splits().getOrDefault(split, 0L);
      ObjectNode entry = perSplit.putObject(split);
      entry.put("ratio", ratio);
      entry.put("examples", examples);
      entry.put("share", total == 0 ? 0.0 : (double) examples / total);
      entry.put("off_by", examples - ratio * total);
    });
    double worst = 0;
    for (Map<String, Long> counts : stats.strata().values()) {
      long stratumTotal = counts.values().stream().mapToLong(Long::longValue).sum();
      for (Map.Entry<String, Double> ratio : ratios.entrySet()) {
        double off = counts.getOrDefault(ratio.getKey(), 0L) - ratio.getValue() * stratumTotal;
        worst = Math.max(worst, Math.abs(off));
      }
    }
    section.put("strata_max_off_by", worst);
    ObjectNode groups = leak(section.putObject("groups_in_two_splits"), "groups");
    groups.put("checked", groupsChecked);
    ObjectNode content = leak(section.putObject("content_in_two_splits"), "contents");
    for (String text : tallyLines) {
      JsonNode line = read(text);
      if (!line.has(LEAKAGE)) {
        continue;
      }
      ObjectNode target = line.get(LEAKAGE).asText().equals("groups") ? groups : content;
      target.put(target == groups ? "groups" : "contents", line.get("keys").asLong());
      target.put("examples", line.get("examples").asLong());
      target.set("sample_ids", line.get("sample_ids"));
    }
    section.put("leaks", groups.get("groups").asLong() > 0 || content.get("contents").asLong() > 0);
    return section;
  }

  private static ObjectNode leak(ObjectNode entry, String keys) {
    entry.put(keys, 0L);
    entry.put("examples", 0L);
    entry.putArray("sample_ids");
    return entry;
  }

  private static JsonNode read(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
