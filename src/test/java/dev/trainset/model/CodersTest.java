package dev.trainset.model;

import static dev.trainset.testing.Fixtures.object;
import static org.apache.beam.sdk.testing.CoderProperties.coderDecodeEncodeEqual;
import static org.apache.beam.sdk.testing.CoderProperties.coderSerializable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class CodersTest {
  private static final Map<String, JsonNode> METADATA = ordered(
      "source_id", TextNode.valueOf("doc-7"),
      "segment_index", IntNode.valueOf(0),
      "signals", object("{\"scores\": [0.5, 1, null, true], \"lang\": {\"code\": \"fr\"}}"),
      "note", TextNode.valueOf("café ☕ \"quoted\"\n"));

  private static final Map<String, JsonNode> ATTRIBUTES = ordered(
      "group", object("{\"id\": 12345678901, \"tags\": []}"),
      "stratum", TextNode.valueOf("high"));

  /** A map that keeps the order its pairs are given in. */
  private static Map<String, JsonNode> ordered(Object... pairs) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (JsonNode) pairs[i + 1]);
    }
    return map;
  }

  private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value));
  }

  // ---------------------------------------------------------------------------------------
  // DocumentCoder

  /**
   * Whatever the read stage lets through, a coder carries: a string as long as the largest
   * input.max_record_bytes allows (Jackson's own default stops at 20,000,000 characters) and a
   * record nested as deep as input.max_depth, with the metadata object around it.
   */
  @Test
  void documentAsLargeAndDeepAsTheReadStageAllows() throws Exception {
    ObjectNode record = object("{\"id\": \"big\"}");
    record.put("text", "x".repeat(25_000_000));
    JsonNode deep = object("{}");
    for (int depth = 1; depth < 999; depth++) {
      deep = Json.MAPPER.createArrayNode().add(deep);
    }
    record.set("deep", deep);
    Document document = Document.read("big", "test:1", record);

    Document decoded = roundTrip(DocumentCoder.of(), document);

    assertEquals(25_000_000, decoded.fields().get("text").textValue().length());
    assertEquals(Json.write(record), Json.write(decoded.fields()));
    ObjectNode carried = Json.MAPPER.createObjectNode();
    carried.putObject("metadata").set("r", record);
    assertEquals(record, Json.MAPPER.readTree(Json.write(carried)).get("metadata").get("r"));
  }

  @Test
  void documentWithNanWeightAndAnnotations() throws Exception {
    Document document =
        Document.read("doc-1", "data/part-1.jsonl:3",
                object("{\"instruction\": \"Say hi\", \"state\": {\"reward\": 0.25,"
                    + " \"turns\": [{\"role\": \"user\"}]}, \"n\": null}"))
            .withAnnotation("token_count", IntNode.valueOf(6))
            .withAnnotation("quality_tier", TextNode.valueOf("high"));
    assertTrue(Double.isNaN(document.weight()));

    coderDecodeEncodeEqual(DocumentCoder.of(), document);

    Document decoded = roundTrip(DocumentCoder.of(), document);
    assertTrue(Double.isNaN(decoded.weight()));
    // Map equality ignores order; the annotations keep the order they were added in.
    assertEquals(List.of("token_count", "quality_tier"),
        new ArrayList<>(decoded.annotations().keySet()));
  }

  @Test
  void documentWeighedWithoutAnnotations() throws Exception {
    Document document = Document.read("", "test:1", object("{}")).withWeight(-0.0);

    coderDecodeEncodeEqual(DocumentCoder.of(), document);
    coderDecodeEncodeEqual(DocumentCoder.of(), document.withWeight(1.5));
    assertEquals(Map.of(), roundTrip(DocumentCoder.of(), document).annotations());
  }

  // ---------------------------------------------------------------------------------------
  // ExampleCoder

  @Test
  void instructionExampleWithoutSystemOrSplit() throws Exception {
    Example example = Example.instruction("ex-1", null, "Name a colour.", "", "Blue.");

    coderDecodeEncodeEqual(ExampleCoder.of(), example);
    Example decoded = roundTrip(ExampleCoder.of(), example);
    assertNull(decoded.system());
    assertNull(decoded.split());
    // An empty input stays empty text, not null.
    assertEquals("", decoded.input());
  }

  @Test
  void instructionExampleWithEverythingSet() throws Exception {
    Example example =
        Example.instruction("ex-2", "Be brief.", "Translate.", "chat", "le chat")
            .withSplit("train")
            .withWeight(1.3125)
            .withMetadata(METADATA)
            .withAttributes(ATTRIBUTES);

    coderDecodeEncodeEqual(ExampleCoder.of(), example);
  }

  @Test
  void chatExampleWithSystemAndSeveralTurns() throws Exception {
    Example example =
        Example.chat("chat-1", "You are terse.", List.of(
                Message.user("Hi"),
                Message.assistant("Hello."),
                Message.user("Capital of France?"),
                Message.assistant("Paris."),
                new Message("tool", "")))
            .withSplit("validation")
            .withWeight(0.75)
            .withMetadata(METADATA)
            .withAttributes(ATTRIBUTES);

    coderDecodeEncodeEqual(ExampleCoder.of(), example);
    Example decoded = roundTrip(ExampleCoder.of(), example);
    assertEquals(List.of("source_id", "segment_index", "signals", "note"),
        new ArrayList<>(decoded.metadata().keySet()));
    assertEquals(List.of("group", "stratum"), new ArrayList<>(decoded.attributes().keySet()));
  }

  @Test
  void chatExampleWithoutSystem() throws Exception {
    coderDecodeEncodeEqual(ExampleCoder.of(),
        Example.chat("chat-2", null, List.of(Message.user("Hi"), Message.assistant("Hey"))));
  }

  @Test
  void textExample() throws Exception {
    Example example = Example.text("t-1", "Line one.\n\nLine two — with ünïcödé.");

    coderDecodeEncodeEqual(ExampleCoder.of(), example);
    coderDecodeEncodeEqual(ExampleCoder.of(),
        example.withSplit("test").withWeight(Double.NaN).withMetadata(METADATA));
  }

  // ---------------------------------------------------------------------------------------
  // RejectedCoder

  @Test
  void rejectedWithoutOriginal() throws Exception {
    Rejected rejected =
        new Rejected("data/broken.jsonl.gz", "read", "unreadable_file", "not in gzip format", null);

    coderDecodeEncodeEqual(RejectedCoder.of(), rejected);
    assertNull(roundTrip(RejectedCoder.of(), rejected).original());
  }

  @Test
  void rejectedWithATextOriginal() throws Exception {
    Rejected rejected = new Rejected("data/a.jsonl:4", "read", "bad_json",
        "Unexpected character", TextNode.valueOf("{\"instruction\": \"unterminated"));

    coderDecodeEncodeEqual(RejectedCoder.of(), rejected);
    assertEquals(TextNode.valueOf("{\"instruction\": \"unterminated"),
        roundTrip(RejectedCoder.of(), rejected).original());
  }

  @Test
  void rejectedWithARecordOriginal() throws Exception {
    Document document = Document.read("r-1", "test:1",
        object("{\"instruction\": \"Hi\", \"output\": \"\", \"meta\": {\"score\": [1, 2]}}"));

    coderDecodeEncodeEqual(RejectedCoder.of(),
        Rejected.of(document, "quality", "empty_output", "the output text is empty"));
  }

  @Test
  void codersSurviveJavaSerialization() throws Exception {
    // Beam serializes the coders of a graph to ship them to workers.
    coderSerializable(DocumentCoder.of());
    coderSerializable(ExampleCoder.of());
    coderSerializable(RejectedCoder.of());
  }
}
