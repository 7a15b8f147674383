package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import dev.trainset.report.RunStats;
import dev.trainset.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's {@code _report/report.html} opened in headless Chromium (Debian's {@code
 * chromium}, which {@code .ci/run} installs; skipped, saying so, without it): the page loads with
 * no request leaving the file and no console error, each chart's numbers (its figure's {@code
 * data-values}, read from the rendered page) are stats.json's, every chart is drawn, and a
 * screenshot of the whole page is kept at {@code target/report-screenshot.png} for a person to
 * look at. A control page that does make a request and log an error shows the checks see both.
 */
class ReportIT {
  @TempDir Path work;

  @Test
  void theQuickstartReportLoadsOfflineAndItsChartsShowStatsJson() throws Exception {
    if (!Files.isExecutable(HeadlessChromium.EXECUTABLE)) {
      System.out.println("ReportIT skipped: " + HeadlessChromium.EXECUTABLE
          + " is missing (apt-get install chromium)");
      Assumptions.assumeTrue(false, HeadlessChromium.EXECUTABLE + " is missing");
    }
    Path out = work.resolve("quickstart");
    EndToEndIT.Run run = EndToEndIT.trainset("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + out, "--runner=DirectRunner");
    assertEquals(0, run.exit(), run.err());
    Path page = out.resolve("_report/report.html");
    JsonNode stats = Json.MAPPER.readTree(out.resolve("_report/stats.json").toFile());

    Path control = work.resolve("control.html");
    Files.writeString(control, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\">"
        + "<script>console.error('control')</script></body></html>");
    // The browser's profile under target/, not in the test's temporary folder: JUnit fails the
    // test when it cannot remove a folder a browser process was still writing to.
    Path profile = Files.createTempDirectory(
        Files.createDirectories(Path.of("target").toAbsolutePath()), "report-it-chromium-");
    try (HeadlessChromium chromium = HeadlessChromium.start(profile)) {
      HeadlessChromium.Loaded leaky = chromium.open(control.toUri().toString());
      assertTrue(leaky.requests().contains("http://127.0.0.1:9/x.png"), leaky.toString());
      assertTrue(leaky.errors().stream().anyMatch(e -> e.contains("control")), leaky.toString());

      HeadlessChromium.Loaded loaded = chromium.open(page.toUri().toString());
      // The page's own file is the one request; no script, style, font or image is fetched.
      assertEquals(List.of(page.toUri().toString()), loaded.requests(), loaded.toString());
      assertEquals(List.of(), loaded.errors());

      JsonNode charts = chromium.evaluate("Array.from(document.querySelectorAll("
          + "'figure[data-chart]')).map(f => ({chart: f.dataset.chart, values: f.dataset.values,"
          + " drawn: f.querySelector('svg') ? f.querySelector('svg').getBoundingClientRect().width"
          + " : 0, bars: f.querySelectorAll('svg rect, svg path').length}))");
      Map<String, JsonNode> shown = new TreeMap<>();
      for (JsonNode chart : charts) {
        shown.put(chart.get("chart").asText(), Json.MAPPER.readTree(chart.get("values").asText()));
        assertTrue(chart.get("drawn").asDouble() > 400, chart.toString());
        assertTrue(chart.get("bars").asInt() > 5, chart.toString());
      }
      ObjectNode chars = Json.MAPPER.createObjectNode();
      stats.get("lengths").fields().forEachRemaining(split ->
          chars.set(split.getKey(), split.getValue().get("chars")));
      Map<String, JsonNode> expected = new TreeMap<>(Map.of(
          "splits", stats.get("strata"),
          "lengths-chars", chars,
          "weights", stats.get("weights").get("histogram"),
          "rejections", stats.get("rejected_by_stage")));
      assertEquals(expected, shown);

      assertEquals(RunStats.summaryOf(Files.readString(out.resolve("_report/stats.json"))),
          chromium.evaluate("document.getElementById('summary').textContent").asText());
      assertTrue(run.out().startsWith("trainset: quickstart: "
          + chromium.evaluate("document.getElementById('summary').textContent").asText()),
          run.out());
      JsonNode sections = chromium.evaluate(
          "Array.from(document.querySelectorAll('section')).map(s => s.id)");
      assertEquals("[\"splits\",\"lengths\",\"weights\",\"rejections\",\"read-back\",\"leakage\"]",
          sections.toString());
      // The first rejected records of each reason (at most 5), each with its detail.
      long samples = 0;
      for (JsonNode count : stats.get("rejected_by_reason")) {
        samples += Math.min(5, count.asLong());
      }
      assertEquals(samples, chromium.evaluate(
          "document.querySelectorAll('#rejections table.samples tbody tr').length").asLong());
      assertEquals(stats.get("rejected_by_reason").size(), chromium.evaluate(
          "document.querySelectorAll('#rejections h3').length").asInt());

      Path screenshot = Path.of("target", "report-screenshot.png");
      chromium.screenshot(screenshot);
      assertTrue(Files.size(screenshot) > 10_000, screenshot.toString());
      System.out.println("ReportIT: screenshot of the quickstart report at "
          + screenshot.toAbsolutePath());
    }
  }
}
