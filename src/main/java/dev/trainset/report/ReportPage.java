package dev.trainset.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import dev.trainset.model.Reason;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.text.StringEscapeUtils;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * {@code _report/report.html}: the page a person opens after a run, one self-contained file (the
 * charts are inline SVG, the styles inline, no script, and a Content-Security-Policy that forbids
 * any request). Its numbers are stats.json's and validation.json's; the rejected samples and the
 * near-duplicate clusters come from the tally. Each chart's figure carries the numbers it draws in
 * {@code data-values} (JSON), so a reader can check them against stats.json. Every text that comes
 * from the data or the pipeline file is escaped. The page holds nothing that differs between two
 * runs of the same input (no runner, duration or path), so it is byte-stable like the data files.
 */
public final class ReportPage {
  /** Where the page is written, in the output (or window) folder. */
  public static final String PATH = "_report/report.html";

  private static final int WIDTH = 860;

  private ReportPage() {}

  /** What the page is made from. */
  public record Inputs(
      String name, String window, String statsJson, String validationJson, List<String> tally,
      boolean nearDedup) {}

  /**
   * The numbers behind each chart, by chart id: {@code splits} (stats.json's {@code strata}, or
   * {@code {"all": splits}} without strata), {@code lengths-chars} and {@code lengths-tokens}
   * (split -> {@code lengths.<split>.chars|tokens}; tokens only when counted), {@code weights}
   * ({@code weights.histogram}) and {@code rejections} ({@code rejected_by_stage}). A chart with no
   * numbers (no example, no rejection) is left out.
   */
  public static Map<String, JsonNode> chartData(JsonNode stats) {
    Map<String, JsonNode> charts = new LinkedHashMap<>();
    JsonNode strata = stats.path("strata");
    if (strata.size() > 0) {
      charts.put("splits", strata);
    } else if (stats.path("examples_exported").asLong() > 0) {
      ObjectNode all = Json.MAPPER.createObjectNode();
      all.set("all", stats.get("splits"));
      charts.put("splits", all);
    }
    for (String measure : List.of("chars", "tokens")) {
      ObjectNode perSplit = Json.MAPPER.createObjectNode();
      stats.path("lengths").fields().forEachRemaining(split -> {
        if (split.getValue().has(measure)) {
          perSplit.set(split.getKey(), split.getValue().get(measure));
        }
      });
      if (perSplit.size() > 0) {
        charts.put("lengths-" + measure, perSplit);
      }
    }
    if (stats.path("weights").has("histogram")) {
      charts.put("weights", stats.get("weights").get("histogram"));
    }
    if (stats.path("rejected_by_stage").size() > 0) {
      charts.put("rejections", stats.get("rejected_by_stage"));
    }
    return charts;
  }

  /** The page. */
  public static String html(Inputs in) {
    JsonNode stats = read(in.statsJson());
    JsonNode validation = read(in.validationJson());
    Map<String, JsonNode> charts = chartData(stats);
    StringBuilder page = new StringBuilder(1 << 16);
    String title = "trainset report: " + in.name() + (in.window().isEmpty() ? "" : " " + in.window());
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
            + " style-src 'unsafe-inline'; img-src data:\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>").append(STYLE)
        .append("</style>\n</head>\n<body>\n<main>\n");

    page.append("<header>\n<h1>").append(esc(in.name()));
    if (!in.window().isEmpty()) {
      page.append(" <span class=\"window\">").append(esc(in.window())).append("</span>");
    }
    page.append("</h1>\n<p class=\"summary\" id=\"summary\">")
        .append(esc(RunStats.summaryOf(in.statsJson()))).append("</p>\n");
    page.append("<div class=\"tiles\">");
    tile(page, "read", stats.path("records_read").asLong(), "");
    tile(page, "exported", stats.path("examples_exported").asLong(), "good");
    tile(page, "rejected", stats.path("records_rejected").asLong(),
        stats.path("records_rejected").asLong() > 0 ? "warn" : "");
    long problems = 0;
    for (JsonNode format : validation.path("formats")) {
      problems += format.path("problems").asLong();
    }
    tile(page, "read-back problems", problems, problems > 0 ? "bad" : "good");
    boolean leaks = validation.path("splits").path("leaks").asBoolean(false);
    page.append("<div class=\"tile ").append(leaks ? "bad" : "good")
        .append("\"><span class=\"n\">").append(leaks ? "leaks" : "none")
        .append("</span><span class=\"l\">leakage between splits</span></div>");
    page.append("</div>\n<nav>");
    for (String[] link : new String[][] {{"splits", "Splits"}, {"lengths", "Lengths"},
        {"weights", "Weights"}, {"rejections", "Rejections"}, {"near-duplicates", "Near duplicates"},
        {"read-back", "Read-back"}, {"leakage", "Leakage"}}) {
      if (!link[0].equals("near-duplicates") || in.nearDedup()) {
        page.append("<a href=\"#").append(link[0]).append("\">").append(link[1]).append("</a>");
      }
    }
    page.append("</nav>\n</header>\n");

    splits(page, stats, charts.get("splits"));
    lengths(page, charts);
    weights(page, stats, charts.get("weights"));
    rejections(page, stats, charts.get("rejections"), in.tally());
    if (in.nearDedup()) {
      nearDuplicates(page, in.tally());
    }
    readBack(page, validation);
    leakage(page, validation.path("splits"));
    page.append("<footer>Written by trainset with the run's other reports: stats.json,"
        + " validation.json, manifest.json.</footer>\n</main>\n</body>\n</html>\n");
    return page.toString();
  }

  private static void splits(StringBuilder page, JsonNode stats, JsonNode data) {
    section(page, "splits", "Split sizes per stratum",
        "How many examples each split got, within each stratum: are the ratios held where it"
            + " matters?");
    if (data == null) {
      page.append("<p class=\"empty\">No example was exported.</p>\n</section>\n");
      return;
    }
    List<String> splitNames = names(stats.get("splits"));
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    data.fields().forEachRemaining(stratum -> {
      for (String split : splitNames) {
        dataset.addValue(stratum.getValue().path(split).asLong(), split, stratum.getKey());
      }
    });
    int height = Math.max(160, Math.min(900, 60 + 28 * data.size()));
    figure(page, "splits", data, ReportCharts.bars("chart-splits", dataset,
        ReportCharts.Layout.STACKED_ROWS, data.has("all") && data.size() == 1 ? "" : "stratum",
        "examples", WIDTH, height));
    page.append("<table><thead><tr><th>stratum</th>");
    splitNames.forEach(split -> page.append("<th class=\"num\">").append(esc(split)).append("</th>"));
    page.append("<th class=\"num\">total</th></tr></thead><tbody>\n");
    data.fields().forEachRemaining(stratum -> {
      page.append("<tr><td>").append(esc(stratum.getKey())).append("</td>");
      long total = 0;
      for (String split : splitNames) {
        long n = stratum.getValue().path(split).asLong();
        total += n;
        page.append("<td class=\"num\">").append(count(n)).append("</td>");
      }
      page.append("<td class=\"num\">").append(count(total)).append("</td></tr>\n");
    });
    page.append("</tbody></table>\n</section>\n");
  }

  private static void lengths(StringBuilder page, Map<String, JsonNode> charts) {
    section(page, "lengths", "Lengths per split",
        "How long the examples are (their full text, as the length bounds count it), split by"
            + " split: are the splits alike, and where do the bounds cut?");
    boolean any = false;
    for (String measure : List.of("chars", "tokens")) {
      JsonNode data = charts.get("lengths-" + measure);
      if (data == null) {
        continue;
      }
      any = true;
      Map<Long, String> bins = new TreeMap<>();
      data.fields().forEachRemaining(split -> split.getValue().forEach(bin -> {
        long min = bin.get("min").asLong();
        long max = bin.get("max").asLong();
        bins.put(min, min == max ? Long.toString(min) : min + "\u2013" + max);
      }));
      DefaultCategoryDataset dataset = new DefaultCategoryDataset();
      data.fields().forEachRemaining(split -> {
        Map<Long, Long> counts = new TreeMap<>();
        split.getValue().forEach(bin -> counts.put(bin.get("min").asLong(),
            bin.get("examples").asLong()));
        bins.forEach((min, label) ->
            dataset.addValue(counts.getOrDefault(min, 0L), split.getKey(), label));
      });
      String unit = measure.equals("chars") ? "characters" : "tokens";
      page.append("<h3>").append(unit).append("</h3>\n");
      figure(page, "lengths-" + measure, data, ReportCharts.bars("chart-lengths-" + measure,
          dataset, ReportCharts.Layout.COLUMNS, unit + " (bins about 25% wide)", "examples",
          WIDTH, 320));
    }
    if (!any) {
      page.append("<p class=\"empty\">No example was exported.</p>\n");
    }
    page.append("</section>\n");
  }

  private static void weights(StringBuilder page, JsonNode stats, JsonNode data) {
    section(page, "weights", "Weights",
        "How the examples' training weights are spread: a few heavy examples, or an even mix?");
    JsonNode weights = stats.path("weights");
    if (data == null) {
      page.append("<p class=\"empty\">No example was exported.</p>\n</section>\n");
      return;
    }
    page.append("<table class=\"compact\"><thead><tr>");
    List<String> keys = List.of("min", "p25", "p50", "p75", "max", "mean");
    keys.forEach(key -> page.append("<th class=\"num\">").append(key).append("</th>"));
    page.append("</tr></thead><tbody><tr>");
    keys.forEach(key -> page.append("<td class=\"num\">")
        .append(weights.has(key) ? number(weights.get(key).asDouble()) : "").append("</td>"));
    page.append("</tr></tbody></table>\n");
    if (weights.has("freshness_reference")) {
      page.append("<p class=\"note\">Freshness measured against ")
          .append(esc(weights.get("freshness_reference").asText())).append(".</p>\n");
    }
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    data.forEach(bin -> dataset.addValue(bin.get("examples").asLong(), "examples",
        bin.get("from").asDouble() == 0 ? "0"
            : number(bin.get("from").asDouble()) + "\u2013" + number(bin.get("to").asDouble())));
    figure(page, "weights", data, ReportCharts.bars("chart-weights", dataset,
        ReportCharts.Layout.COLUMNS, "weight (bins about 25% wide)", "examples", WIDTH, 300));
    page.append("</section>\n");
  }

  private static void rejections(StringBuilder page, JsonNode stats, JsonNode data,
      List<String> tally) {
    section(page, "rejections", "Rejections by stage and reason",
        "What was refused, where and why, with the first records of each reason (by id) as"
            + " _rejected/ holds them.");
    if (data == null) {
      page.append("<p class=\"empty\">No record was refused.</p>\n</section>\n");
      return;
    }
    List<String> reasons = names(stats.get("rejected_by_reason"));
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    data.fields().forEachRemaining(stage -> {
      for (String reason : reasons) {
        dataset.addValue(stage.getValue().path(reason).asLong(), stage.getKey(), reason);
      }
    });
    figure(page, "rejections", data, ReportCharts.bars("chart-rejections", dataset,
        ReportCharts.Layout.STACKED_ROWS, "reason", "records",
        WIDTH, Math.max(160, Math.min(900, 70 + 30 * reasons.size()))));
    Map<String, List<JsonNode>> samples = new TreeMap<>();
    for (JsonNode line : lines(tally, RunTally.SAMPLE)) {
      samples.computeIfAbsent(line.get("reason").asText(), reason -> new ArrayList<>()).add(line);
    }
    // The tally's lines come in any order: the first by id, as the graph picked them.
    samples.values().forEach(list -> list.sort(
        (a, b) -> a.get("id").asText().compareTo(b.get("id").asText())));
    for (String reason : reasons) {
      page.append("<h3 id=\"reason-").append(esc(reason)).append("\">").append(esc(reason))
          .append(" <span class=\"count\">").append(count(stats.get("rejected_by_reason")
              .get(reason).asLong())).append("</span></h3>\n");
      String meaning = meaning(reason);
      if (!meaning.isEmpty()) {
        page.append("<p class=\"note\">").append(esc(meaning)).append("</p>\n");
      }
      page.append("<table class=\"samples\"><colgroup><col class=\"c-id\"><col class=\"c-stage\">"
          + "<col class=\"c-detail\"><col></colgroup><thead><tr><th>id</th><th>stage</th>"
          + "<th>detail</th><th>record</th></tr></thead><tbody>\n");
      for (JsonNode sample : samples.getOrDefault(reason, List.of())) {
        page.append("<tr><td class=\"id\">").append(esc(sample.get("id").asText()))
            .append("</td><td>").append(esc(sample.get("stage").asText()))
            .append("</td><td>").append(esc(sample.get("detail").asText()))
            .append("</td><td><code>").append(esc(sample.get("record").asText()))
            .append("</code></td></tr>\n");
      }
      page.append("</tbody></table>\n");
    }
    page.append("</section>\n");
  }

  private static void nearDuplicates(StringBuilder page, List<String> tally) {
    section(page, "near-duplicates", "Near-duplicate clusters",
        "Which documents near dedup kept, and how many near copies of each it refused, largest"
            + " cluster first.");
    List<JsonNode> clusters = lines(tally, RunTally.CLUSTER);
    long total = 0;
    for (JsonNode count : lines(tally, RunTally.CLUSTERS)) {
      total += count.asLong();
    }
    if (clusters.isEmpty()) {
      page.append("<p class=\"empty\">Near dedup refused no document.</p>\n</section>\n");
      return;
    }
    clusters.sort((a, b) -> {
      int bySize = Long.compare(b.get("duplicates").asLong(), a.get("duplicates").asLong());
      return bySize != 0 ? bySize : a.get("survivor").asText().compareTo(b.get("survivor").asText());
    });
    page.append("<p class=\"note\">").append(count(total)).append(total == 1 ? " cluster" : " clusters")
        .append(clusters.size() < total ? ", the " + clusters.size() + " largest listed" : "")
        .append(".</p>\n<table class=\"compact\"><thead><tr><th>kept (id, file)</th>"
            + "<th class=\"num\">refused as near duplicates</th></tr></thead><tbody>\n");
    for (JsonNode cluster : clusters) {
      page.append("<tr><td class=\"id\">").append(esc(cluster.get("survivor").asText()))
          .append("</td><td class=\"num\">").append(count(cluster.get("duplicates").asLong()))
          .append("</td></tr>\n");
    }
    page.append("</tbody></table>\n</section>\n");
  }

  private static void readBack(StringBuilder page, JsonNode validation) {
    section(page, "read-back", "What reading the files back found",
        "Did every written file parse with its format's reader, with the records the run counted?");
    page.append("<table><thead><tr><th>format</th><th class=\"num\">files</th>"
        + "<th class=\"num\">records</th><th class=\"num\">bytes</th><th>records per split</th>"
        + "<th class=\"num\">problems</th></tr></thead><tbody>\n");
    validation.path("formats").fields().forEachRemaining(entry -> {
      JsonNode format = entry.getValue();
      page.append("<tr><td>").append(esc(entry.getKey())).append("</td>");
      if (!format.path("checked").asBoolean(true)) {
        page.append("<td colspan=\"5\" class=\"note\">not read back: ")
            .append(esc(format.path("reason").asText())).append("</td></tr>\n");
        return;
      }
      List<String> perSplit = new ArrayList<>();
      format.path("splits").fields().forEachRemaining(split ->
          perSplit.add(esc(split.getKey()) + " " + count(split.getValue().asLong())));
      long problems = format.path("problems").asLong();
      page.append("<td class=\"num\">").append(count(format.path("files").asLong()))
          .append("</td><td class=\"num\">").append(count(format.path("records").asLong()))
          .append("</td><td class=\"num\">").append(count(format.path("bytes").asLong()))
          .append("</td><td>").append(String.join(", ", perSplit))
          .append("</td><td class=\"num ").append(problems > 0 ? "bad" : "good").append("\">")
          .append(count(problems)).append("</td></tr>\n");
      for (JsonNode problem : format.path("first_problems")) {
        page.append("<tr class=\"problem\"><td></td><td colspan=\"5\"><code>")
            .append(esc(problem.isTextual() ? problem.asText() : Json.write(problem)))
            .append("</code></td></tr>\n");
      }
    });
    page.append("</tbody></table>\n</section>\n");
  }

  private static void leakage(StringBuilder page, JsonNode splits) {
    section(page, "leakage", "Leakage check",
        "Does any group or any content land in two splits, and how far is each split from its"
            + " ratio?");
    boolean leaks = splits.path("leaks").asBoolean(false);
    page.append("<p class=\"verdict ").append(leaks ? "bad" : "good").append("\">")
        .append(leaks ? "Leakage found between splits." : "No leakage between splits.")
        .append("</p>\n");
    page.append("<table class=\"compact\"><thead><tr><th>split</th><th class=\"num\">ratio</th>"
        + "<th class=\"num\">examples</th><th class=\"num\">share</th>"
        + "<th class=\"num\">off by (examples)</th></tr></thead><tbody>\n");
    splits.path("ratios").fields().forEachRemaining(entry -> {
      JsonNode split = entry.getValue();
      page.append("<tr><td>").append(esc(entry.getKey())).append("</td><td class=\"num\">")
          .append(number(split.path("ratio").asDouble())).append("</td><td class=\"num\">")
          .append(count(split.path("examples").asLong())).append("</td><td class=\"num\">")
          .append(number(split.path("share").asDouble())).append("</td><td class=\"num\">")
          .append(number(split.path("off_by").asDouble())).append("</td></tr>\n");
    });
    page.append("</tbody></table>\n<p class=\"note\">Worst stratum is off by ")
        .append(number(splits.path("strata_max_off_by").asDouble()))
        .append(" examples from its ratios.</p>\n<ul class=\"checks\">\n");
    JsonNode groups = splits.path("groups_in_two_splits");
    page.append("<li>Groups in two splits: ");
    if (groups.path("checked").asBoolean(false)) {
      page.append(count(groups.path("groups").asLong())).append(" (")
          .append(count(groups.path("examples").asLong())).append(" examples)")
          .append(ids(groups.path("sample_ids")));
    } else {
      page.append("not checked (no split.group_by)");
    }
    JsonNode content = splits.path("content_in_two_splits");
    page.append("</li>\n<li>Same content in two splits: ")
        .append(count(content.path("contents").asLong())).append(" (")
        .append(count(content.path("examples").asLong())).append(" examples)")
        .append(ids(content.path("sample_ids"))).append("</li>\n</ul>\n</section>\n");
  }

  private static String ids(JsonNode ids) {
    if (ids.size() == 0) {
      return "";
    }
    List<String> listed = new ArrayList<>();
    ids.forEach(id -> listed.add("<code>" + esc(id.asText()) + "</code>"));
    return ", e.g. " + String.join(" ", listed);
  }

  private static void section(StringBuilder page, String id, String title, String question) {
    page.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title))
        .append("</h2>\n<p class=\"question\">").append(esc(question)).append("</p>\n");
  }

  private static void figure(StringBuilder page, String id, JsonNode values, String svg) {
    page.append("<figure data-chart=\"").append(id).append("\" data-values=\"")
        .append(esc(Json.write(values))).append("\">\n").append(svg).append("\n</figure>\n");
  }

  private static void tile(StringBuilder page, String label, long n, String tone) {
    page.append("<div class=\"tile ").append(tone).append("\"><span class=\"n\">").append(count(n))
        .append("</span><span class=\"l\">").append(esc(label)).append("</span></div>");
  }

  /** The tally lines that hold {@code field}, as that field's value. */
  private static List<JsonNode> lines(List<String> tally, String field) {
    List<JsonNode> found = new ArrayList<>();
    for (String text : tally) {
      if (text.contains("\"" + field + "\"")) {
        JsonNode line = read(text);
        if (line.has(field)) {
          found.add(line.get(field));
        }
      }
    }
    return found;
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static String meaning(String reason) {
    for (Reason known : Reason.values()) {
      if (known.label().equals(reason)) {
        return known.meaning();
      }
    }
    return "";
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String number(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    String text = String.format(Locale.ROOT, "%.4g", x);
    if (text.contains("e")) {
      return text;
    }
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  /** HTML-escapes text from the data or the pipeline file, for an element or an attribute. */
  static String esc(String text) {
    return StringEscapeUtils.escapeHtml4(text).replace("'", "&#39;");
  }

  private static JsonNode read(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String STYLE = """
      :root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--good:#1a7f37;\
      --warn:#9a6700;--bad:#cf222e}
      *{box-sizing:border-box}
      body{margin:0;background:var(--bg);color:var(--ink);\
      font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
      main{max-width:940px;margin:0 auto;padding:24px 16px 48px}
      header{margin-bottom:8px}
      h1{font-size:26px;margin:0 0 4px}
      h1 .window{font-size:16px;color:var(--muted);font-weight:normal}
      h2{font-size:19px;margin:0 0 2px}
      h3{font-size:15px;margin:18px 0 4px}
      h3 .count{color:var(--muted);font-weight:normal}
      .summary{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px;\
      background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:8px 0}
      .tiles{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
      .tile{flex:1 1 140px;background:#fff;border:1px solid var(--line);border-radius:6px;\
      padding:8px 12px;border-top:3px solid var(--line)}
      .tile .n{display:block;font-size:22px;font-weight:600}
      .tile .l{color:var(--muted);font-size:12px}
      .tile.good{border-top-color:var(--good)}.tile.warn{border-top-color:var(--warn)}
      .tile.bad{border-top-color:var(--bad)}
      nav{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin:6px 0 0}
      nav a{color:#0969da;text-decoration:none}
      section{background:#fff;border:1px solid var(--line);border-radius:6px;\
      padding:16px 20px;margin:16px 0}
      .question{color:var(--muted);margin:0 0 12px}
      .note{color:var(--muted);font-size:13px;margin:2px 0 8px}
      .empty{color:var(--muted);font-style:italic}
      figure{margin:8px 0 12px}
      figure svg{max-width:100%;height:auto;display:block}
      table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
      table.compact{width:auto}
      th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
      th{background:var(--bg);font-weight:600}
      .num{text-align:right;font-variant-numeric:tabular-nums}
      td.good{color:var(--good)}td.bad{color:var(--bad);font-weight:600}
      .samples{table-layout:fixed}
      .samples td{overflow-wrap:anywhere}
      .samples .c-id{width:20%}.samples .c-stage{width:10%}.samples .c-detail{width:28%}
      code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;\
      white-space:pre-wrap;word-break:break-all}
      .verdict{font-weight:600;margin:4px 0 8px}
      .verdict.good{color:var(--good)}.verdict.bad{color:var(--bad)}
      .checks{margin:4px 0;padding-left:20px}
      footer{color:var(--muted);font-size:12px;text-align:center}
      """;
}
