package dev.trainset.report;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.model.Example;
import dev.trainset.model.ExampleCoder;
import dev.trainset.model.Json;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Tokenizer;
import dev.trainset.write.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.commons.text.StringEscapeUtils;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The numbers behind report.html's charts, from the graph's tally to the page: the length and
 * weight bins, the rejections by stage, the first rejected records of each reason and the
 * near-duplicate clusters, exactly; then stats.json's sections and each chart's {@code
 * data-values} from them.
 */
public class RunTallyReportTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static Example example(String id, String text, String split, double weight,
      String lang) {
    return Example.text(id, text).withSplit(split).withWeight(weight)
        .withAttributes(Map.of("lang", TextNode.valueOf(lang)));
  }

  private static Rejected rejected(String id, String stage, String reason, String detail,
      String record) throws Exception {
    return new Rejected(id, stage, reason, detail,
        record == null ? null : Json.MAPPER.readTree(record));
  }

  @Test
  public void theTallyHoldsTheChartsNumbersAndThePageShowsThem() throws Exception {
    List<Example> examples = List.of(
        example("e1", "abc", "train", 1.0, "en"),
        example("e2", "abcdefghi", "train", 0.7, "en"),
        example("e3", "hello world", "test", 0.0, "<b>fr</b>"));
    List<Rejected> refused = new ArrayList<>();
    for (int i = 6; i >= 1; i--) {
      refused.add(rejected("d" + i, "quality", "duplicate", "duplicate of a", "{\"t\":\"x\"}"));
    }
    refused.add(rejected("n1", "quality", "near_duplicate",
        "near duplicate of s1 (in.jsonl): similarity 0.900", "{\"t\":\"<i>n1</i>\"}"));
    refused.add(rejected("n2", "quality", "near_duplicate",
        "near duplicate of s1 (in.jsonl): similarity 0.810 to n1 (in.jsonl)", "{\"t\":\"n2\"}"));
    refused.add(rejected("n3", "quality", "near_duplicate",
        "near duplicate of s2 (in.jsonl): similarity 0.850", "{\"t\":\"n3\"}"));
    refused.add(rejected("in.jsonl:3", "read", "parse_error", "x".repeat(700), null));
    refused.add(rejected("m1", "segment", "missing_field", "no output", "{}"));
    refused.add(rejected("m2", "quality", "missing_field", "no instruction", "{}"));

    String directory = folder.getRoot() + "/tally";
    PCollection<Example> exported =
        pipeline.apply("Examples", Create.of(examples).withCoder(ExampleCoder.of()));
    PCollection<Rejected> rejections =
        pipeline.apply("Rejected", Create.of(refused).withCoder(RejectedCoder.of()));
    PCollectionList.of(exported.apply("TallyExported",
            RunTally.exports("lang", Tokenizer.CL100K_BASE)))
        .and(rejections.apply("TallyRejected", RunTally.rejections()))
        .apply("Tally", RunTally.into("tally/tally", rejections).withWeightsOf(exported)
            .withNearClusters())
        .apply("Write", JsonLines.to(folder.getRoot().toString()));
    pipeline.run().waitUntilFinish();

    List<String> tally = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(directory))) {
      for (Path file : files.sorted().toList()) {
        tally.addAll(Files.readAllLines(file));
      }
    }
    List<String> sorted = tally.stream()
        .filter(line -> !line.startsWith("{\"weights\"") && !line.startsWith("{\"error\""))
        .sorted().toList();
    String cut = "x".repeat(RunTally.MAX_SAMPLE_CHARS) + "\u2026";
    List<String> expected = new ArrayList<>(List.of(
        "{\"key\":[\"length\",\"test\",\"chars\",\"10.0\"],\"count\":1}",
        "{\"key\":[\"length\",\"test\",\"tokens\",\"2.0\"],\"count\":1}",
        "{\"key\":[\"length\",\"train\",\"chars\",\"3.0\"],\"count\":1}",
        "{\"key\":[\"length\",\"train\",\"chars\",\"8.0\"],\"count\":1}",
        "{\"key\":[\"length\",\"train\",\"tokens\",\"1.0\"],\"count\":1}",
        "{\"key\":[\"length\",\"train\",\"tokens\",\"2.0\"],\"count\":1}",
        "{\"key\":[\"rejected\",\"duplicate\",\"quality\"],\"count\":6}",
        "{\"key\":[\"rejected\",\"missing_field\",\"quality\"],\"count\":1}",
        "{\"key\":[\"rejected\",\"missing_field\",\"segment\"],\"count\":1}",
        "{\"key\":[\"rejected\",\"near_duplicate\",\"quality\"],\"count\":3}",
        "{\"key\":[\"rejected\",\"parse_error\",\"read\"],\"count\":1}",
        "{\"key\":[\"split\",\"test\"],\"count\":1}",
        "{\"key\":[\"split\",\"train\"],\"count\":2}",
        "{\"key\":[\"stratum\",\"<b>fr</b>\",\"test\"],\"count\":1}",
        "{\"key\":[\"stratum\",\"en\",\"train\"],\"count\":2}",
        "{\"key\":[\"weight\",\"0.0\"],\"count\":1}",
        "{\"key\":[\"weight\",\"0.625\"],\"count\":1}",
        "{\"key\":[\"weight\",\"1.0\"],\"count\":1}",
        "{\"near_cluster\":{\"survivor\":\"s1 (in.jsonl)\",\"duplicates\":2}}",
        "{\"near_cluster\":{\"survivor\":\"s2 (in.jsonl)\",\"duplicates\":1}}",
        "{\"near_clusters\":2}"));
    for (int i = 1; i <= RunTally.MAX_SAMPLES; i++) {
      expected.add("{\"rejected_sample\":{\"id\":\"d" + i + "\",\"stage\":\"quality\","
          + "\"reason\":\"duplicate\",\"detail\":\"duplicate of a\",\"record\":\"{\\\"t\\\":\\\"x\\\"}\"}}");
    }
    expected.addAll(List.of(
        "{\"rejected_sample\":{\"id\":\"in.jsonl:3\",\"stage\":\"read\",\"reason\":\"parse_error\","
            + "\"detail\":\"" + cut + "\",\"record\":\"\"}}",
        "{\"rejected_sample\":{\"id\":\"m1\",\"stage\":\"segment\",\"reason\":\"missing_field\","
            + "\"detail\":\"no output\",\"record\":\"{}\"}}",
        "{\"rejected_sample\":{\"id\":\"m2\",\"stage\":\"quality\",\"reason\":\"missing_field\","
            + "\"detail\":\"no instruction\",\"record\":\"{}\"}}",
        "{\"rejected_sample\":{\"id\":\"n1\",\"stage\":\"quality\",\"reason\":\"near_duplicate\","
            + "\"detail\":\"near duplicate of s1 (in.jsonl): similarity 0.900\","
            + "\"record\":\"{\\\"t\\\":\\\"<i>n1</i>\\\"}\"}}",
        "{\"rejected_sample\":{\"id\":\"n2\",\"stage\":\"quality\",\"reason\":\"near_duplicate\","
            + "\"detail\":\"near duplicate of s1 (in.jsonl): similarity 0.810 to n1 (in.jsonl)\","
            + "\"record\":\"{\\\"t\\\":\\\"n2\\\"}\"}}",
        "{\"rejected_sample\":{\"id\":\"n3\",\"stage\":\"quality\",\"reason\":\"near_duplicate\","
            + "\"detail\":\"near duplicate of s2 (in.jsonl): similarity 0.850\","
            + "\"record\":\"{\\\"t\\\":\\\"n3\\\"}\"}}"));
    assertEquals(expected.stream().sorted().toList(), sorted);

    // stats.json's sections behind the charts.
    RunStats run = RunStats.fromTally(tally, List.of("train", "test"), List.of());
    JsonNode stats = Json.MAPPER.readTree(run.toJson("t", "DirectRunner", 5, Map.of()));
    assertEquals(Json.MAPPER.readTree("{"
            + "\"train\": {\"chars\": [{\"min\": 3, \"max\": 3, \"examples\": 1},"
            + " {\"min\": 8, \"max\": 9, \"examples\": 1}],"
            + " \"tokens\": [{\"min\": 1, \"max\": 1, \"examples\": 1},"
            + " {\"min\": 2, \"max\": 2, \"examples\": 1}]},"
            + "\"test\": {\"chars\": [{\"min\": 10, \"max\": 11, \"examples\": 1}],"
            + " \"tokens\": [{\"min\": 2, \"max\": 2, \"examples\": 1}]}}"),
        stats.get("lengths"));
    assertEquals(Json.MAPPER.readTree("[{\"from\": 0.0, \"to\": " + Double.MIN_NORMAL
            + ", \"examples\": 1}, {\"from\": 0.625, \"to\": 0.75, \"examples\": 1},"
            + " {\"from\": 1.0, \"to\": 1.25, \"examples\": 1}]"),
        stats.get("weights").get("histogram"));
    assertEquals(Json.MAPPER.readTree("{\"quality\": {\"duplicate\": 6, \"missing_field\": 1,"
            + " \"near_duplicate\": 3}, \"read\": {\"parse_error\": 1},"
            + " \"segment\": {\"missing_field\": 1}}"),
        stats.get("rejected_by_stage"));
    assertEquals(2, stats.get("rejected_by_reason").get("missing_field").asLong());

    // Each chart's numbers are stats.json's, and the page carries them as they are.
    Map<String, JsonNode> charts = ReportPage.chartData(stats);
    assertEquals(List.of("splits", "lengths-chars", "lengths-tokens", "weights", "rejections"),
        List.copyOf(charts.keySet()));
    assertEquals(stats.get("strata"), charts.get("splits"));
    assertEquals(Json.MAPPER.readTree("{\"train\": " + stats.get("lengths").get("train")
        .get("tokens") + ", \"test\": " + stats.get("lengths").get("test").get("tokens") + "}"),
        charts.get("lengths-tokens"));
    assertEquals(stats.get("weights").get("histogram"), charts.get("weights"));
    assertEquals(stats.get("rejected_by_stage"), charts.get("rejections"));

    String validation = "{\"formats\": {\"jsonl\": {\"checked\": true, \"files\": 2,"
        + " \"records\": 3, \"bytes\": 10, \"splits\": {\"train\": 2, \"test\": 1},"
        + " \"problems\": 1, \"first_problems\": [\"jsonl/x: <bad> line\"]}},"
        + " \"splits\": {\"ratios\": {}, \"leaks\": false}}";
    String html = ReportPage.html(new ReportPage.Inputs("demo <run>", "", Json.pretty(stats),
        validation, tally, true));
    Map<String, JsonNode> shown = new LinkedHashMap<>();
    Matcher figure = Pattern.compile("<figure data-chart=\"([^\"]+)\" data-values=\"([^\"]*)\">")
        .matcher(html);
    while (figure.find()) {
      shown.put(figure.group(1),
          Json.MAPPER.readTree(StringEscapeUtils.unescapeHtml4(figure.group(2))));
    }
    assertEquals(charts, shown);
    assertEquals(5, Pattern.compile("<svg ").matcher(html).results().count());
    // Text from the data is escaped everywhere: in tables, samples, titles and the charts.
    assertFalse(html.contains("<b>fr"));
    assertFalse(html.contains("<i>n1"));
    assertFalse(html.contains("<bad>"));
    assertFalse(html.contains("<run>"));
    assertTrue(html.contains("&lt;b&gt;fr&lt;/b&gt;"));
    assertTrue(html.contains("<title>trainset report: demo &lt;run&gt;</title>"));
    // The largest cluster first; the samples of a reason by id.
    assertTrue(html.indexOf("s1 (in.jsonl)") < html.indexOf("s2 (in.jsonl)"));
    assertTrue(html.indexOf(">d1<") < html.indexOf(">d5<"));
    assertFalse(html.contains(">d6<"));
    assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"));
  }

  @Test
  public void binsAreAQuarterOfAPowerOfTwo() {
    assertEquals(0.0, Histogram.binOf(0), 0);
    assertEquals(1.0, Histogram.binOf(1), 0);
    assertEquals(8.0, Histogram.binOf(9), 0);
    assertEquals(10.0, Histogram.binOf(11), 0);
    assertEquals(0.625, Histogram.binOf(0.7), 0);
    assertEquals(0.75, Histogram.binEnd(0.625), 0);
    assertEquals(8, Histogram.firstWhole(8.0));
    assertEquals(9, Histogram.lastWhole(8.0));
    assertEquals(3, Histogram.lastWhole(3.0));
    assertEquals(1536.0, Histogram.binOf(1791), 0);
    assertEquals(1791, Histogram.lastWhole(1536.0));
  }
}
