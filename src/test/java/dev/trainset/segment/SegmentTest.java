package dev.trainset.segment;

import static dev.trainset.testing.Fixtures.doc;
import static dev.trainset.testing.Fixtures.spec;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.split.StratifiedSplit;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.model.Rejected;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;

public class SegmentTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private PCollectionTuple segment(Segment segment, Document... documents) {
    return pipeline
        .apply(Create.of(List.of(documents)).withCoder(DocumentCoder.of()))
        .apply(segment);
  }

  private static Map<String, JsonNode> map(Object... keysAndValues) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (JsonNode) keysAndValues[i + 1]);
    }
    return map;
  }

  @Test
  public void mapsInstructionRecordsWithMetadataAnnotationsAndCarriedFields() {
    PipelineSpec spec = spec("fields: {instruction: q, input: ctx, output: a.text,"
        + " metadata: [source, meta.lang]}");
    Document document = doc("r1", "{\"q\": \"Add 2 and 3.\", \"a\": {\"text\": \"5\"},"
            + " \"source\": \"web\", \"meta\": {\"lang\": \"en\"}, \"topic\": \"math\"}")
        .withWeight(1.25)
        .withAnnotation("token_count", IntNode.valueOf(9));
    Document noInput = doc("r2", "{\"q\": \"Say hi.\", \"a\": {\"text\": \"Hi!\"}, \"ctx\": 7}");

    PCollectionTuple out = segment(Segment.of(spec.fields()).carrying(List.of("topic", "source")),
        document, noInput);

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.instruction("r1", null, "Add 2 and 3.", "", "5")
                .withWeight(1.25)
                .withMetadata(map("source", TextNode.valueOf("web"),
                    "meta.lang", TextNode.valueOf("en"), "token_count", IntNode.valueOf(9)))
                .withAttributes(map("topic", TextNode.valueOf("math"))),
            // A number where text belongs is read as its text; a document never weighed weighs 1.
            Example.instruction("r2", null, "Say hi.", "7", "Hi!"));
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void mapsChatFromMessageListsInEitherConventionOrFromFlatFields() {
    PipelineSpec spec = spec("fields: {style: chat, messages: conversation}");
    Document openai = doc("openai", "{\"conversation\": ["
        + "{\"role\": \"system\", \"content\": \"Be brief.\"},"
        + "{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"},"
        + "{\"role\": \"user\", \"content\": \"Bye\"}, {\"role\": \"assistant\", \"content\": \"Bye!\"}]}");
    Document sharegpt = doc("sharegpt", "{\"conversation\": ["
        + "{\"from\": \"human\", \"value\": \"2+2?\"}, {\"from\": \"gpt\", \"value\": \"4\"}],"
        + " \"system\": \"You add.\"}");
    PipelineSpec flat = spec("fields: {style: chat, messages: '', user: prompt, assistant: reply}");
    Document flatDoc = doc("flat", "{\"prompt\": \"Ping\", \"reply\": \"Pong\"}");

    PCollectionTuple out = segment(Segment.of(spec.fields()), openai, sharegpt);
    PCollectionTuple flatOut = pipeline
        .apply("Flat", Create.of(List.of(flatDoc)).withCoder(DocumentCoder.of()))
        .apply("SegmentFlat", Segment.of(flat.fields()));

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.chat("openai", "Be brief.", List.of(Message.user("Hi"),
                Message.assistant("Hello"), Message.user("Bye"), Message.assistant("Bye!"))),
            Example.chat("sharegpt", "You add.", List.of(Message.user("2+2?"),
                Message.assistant("4"))));
    PAssert.that(flatOut.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.chat("flat", null, List.of(Message.user("Ping"), Message.assistant("Pong"))));
    pipeline.run();
  }

  @Test
  public void mapsTextRecords() {
    PipelineSpec spec = spec("fields: {style: text, text: body}");
    Document document = doc("t1", "{\"body\": \"Once upon a time.\"}");

    PCollectionTuple out = segment(Segment.of(spec.fields()), document);

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(Example.text("t1", "Once upon a time."));
    pipeline.run();
  }

  @Test
  public void refusesRecordsWithoutTheRequiredFields() {
    PipelineSpec instruction = spec("fields: {style: instruction}");
    Document noInstruction = doc("i1", "{\"output\": \"An answer.\"}");
    Document blankInstruction = doc("i2", "{\"instruction\": \" \", \"output\": \"An answer.\"}");
    Document listOutput = doc("i3", "{\"instruction\": \"Q\", \"output\": [\"a\", \"b\"]}");
    PipelineSpec chat = spec("fields: {style: chat}");
    Document noAssistant = doc("c1", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");
    Document lateSystem = doc("c2", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"},"
        + " {\"role\": \"system\", \"content\": \"Be nice.\"}]}");
    Document toolRole = doc("c3", "{\"messages\": [{\"role\": \"tool\", \"content\": \"{}\"}]}");
    Document notAList = doc("c4", "{\"messages\": \"Hi\"}");

    PCollectionTuple instructionOut =
        segment(Segment.of(instruction.fields()), noInstruction, blankInstruction, listOutput);
    PCollectionTuple chatOut = pipeline
        .apply("Chats", Create.of(List.of(noAssistant, lateSystem, toolRole, notAList))
            .withCoder(DocumentCoder.of()))
        .apply("SegmentChats", Segment.of(chat.fields()));

    PAssert.that(instructionOut.get(Segment.EXAMPLES)).empty();
    PAssert.that(instructionOut.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(noInstruction, "segment", "missing_field",
                "no 'instruction' field in the record"),
            Rejected.of(blankInstruction, "segment", "missing_field", "'instruction' is empty"),
            Rejected.of(listOutput, "segment", "bad_field", "'output' is a list, not text"));
    PAssert.that(chatOut.get(Segment.EXAMPLES)).empty();
    PAssert.that(chatOut.get(Rejected.TAG))
        .containsInAnyOrder(
            Rejected.of(noAssistant, "segment", "missing_field",
                "the conversation needs a user and an assistant turn"),
            Rejected.of(lateSystem, "segment", "bad_field",
                "'messages[1]' is a system turn after the first turn"),
            Rejected.of(toolRole, "segment", "bad_field",
                "'messages[0]' has role 'tool'; allowed: system, user, assistant (or human, gpt)"),
            Rejected.of(notAList, "segment", "bad_field", "'messages' is not a list of messages"));
    pipeline.run();
  }

  // ---------------------------------------------------------------------------------------
  // Segmentation: documents cut into many examples

  /** Q:/A: blocks in the {@code body} field; answers run to the next question. */
  private static final String FAQ_KEYS = "enabled: true, source_field: body,"
      + " instruction_patterns: ['^Q:\\s*(.+)$'],"
      + " output_patterns: ['(?s)^A:\\s*(.+?)(?=^Q:|\\z)'],"
      + " min_instruction_chars: 5, min_output_chars: 5";
  private static final String FAQ = "segment: {" + FAQ_KEYS + "}\n";

  private static Segment segmenting(PipelineSpec spec) {
    return Segment.of(spec.fields()).withSegmentation(spec.segment());
  }

  /** The metadata Segment gives block {@code index} of {@code source}, after {@code first}. */
  private static Map<String, JsonNode> provenance(String source, int index, Object... first) {
    Map<String, JsonNode> metadata = map(first);
    metadata.put("source_id", TextNode.valueOf(source));
    metadata.put("segment_index", IntNode.valueOf(index));
    return metadata;
  }

  @Test
  public void cutsSeveralQuestionAnswerBlocksOfOneDocumentInOrder() {
    PipelineSpec spec = spec(FAQ + "fields: {metadata: [topic]}");
    Document faq = doc("faq-1", "{\"topic\": \"account\", \"body\": \"Account FAQ\\n\\n"
            + "Q: How do I reset my password?\\nA: Open Settings, choose Security and press"
            + " Reset.\\n\\nQ: Can I change my username?\\nA: Yes, once every 30 days,\\nfrom the"
            + " Profile page.\\n\"}")
        .withWeight(2.0)
        .withAnnotation("quality_tier", TextNode.valueOf("high"));

    PCollectionTuple out = segment(segmenting(spec), faq);

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.instruction("faq-1#0", null, "How do I reset my password?", "",
                    "Open Settings, choose Security and press Reset.")
                .withWeight(2.0)
                .withMetadata(provenance("faq-1", 0, "topic", TextNode.valueOf("account"),
                    "quality_tier", TextNode.valueOf("high"))),
            Example.instruction("faq-1#1", null, "Can I change my username?", "",
                    "Yes, once every 30 days,\nfrom the Profile page.")
                .withWeight(2.0)
                .withMetadata(provenance("faq-1", 1, "topic", TextNode.valueOf("account"),
                    "quality_tier", TextNode.valueOf("high"))));
    PAssert.that(out.get(Rejected.TAG)).empty();
    PAssert.that(out.get(Segment.CUTS)).containsInAnyOrder(2);
    pipeline.run();
  }

  @Test
  public void taskResponseBlocksTakeTheirInputFromAContextPatternElseTheTextBetween() {
    String tasks = "segment: {enabled: true, source_field: body,"
        + " instruction_patterns: ['^Task:\\s*(.+)$', '^Instruction:\\s*(.+)$'],"
        + " context_patterns: ['^Context:\\s*(.+)$'],"
        + " output_patterns: ['(?s)^Response:\\s*(.+?)(?=^Task:|^Instruction:|\\z)'],"
        + " min_instruction_chars: 5, min_output_chars: 5}\n";
    PipelineSpec extracting = spec(tasks);
    PipelineSpec notExtracting = spec(tasks.replace("}\n", ", context_extraction: false}\n"));
    Document document = doc("tasks", "{\"body\": \"Task: Summarize the note below.\\n"
        + "Context: The meeting moved to Friday at 10.\\nResponse: The meeting is now on Friday"
        + " at 10.\\nInstruction: Translate into French.\\nGood morning, everyone.\\n"
        + "Response: Bonjour à tous.\\n\"}");

    PCollectionTuple out = segment(segmenting(extracting), document);
    PCollectionTuple plain = pipeline
        .apply("Again", Create.of(List.of(document)).withCoder(DocumentCoder.of()))
        .apply("SegmentWithoutExtraction", segmenting(notExtracting));

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.instruction("tasks#0", null, "Summarize the note below.",
                    "The meeting moved to Friday at 10.", "The meeting is now on Friday at 10.")
                .withMetadata(provenance("tasks", 0)),
            Example.instruction("tasks#1", null, "Translate into French.",
                    "Good morning, everyone.", "Bonjour à tous.")
                .withMetadata(provenance("tasks", 1)));
    PAssert.that(plain.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.instruction("tasks#0", null, "Summarize the note below.",
                    "The meeting moved to Friday at 10.", "The meeting is now on Friday at 10.")
                .withMetadata(provenance("tasks", 0)),
            Example.instruction("tasks#1", null, "Translate into French.", "", "Bonjour à tous.")
                .withMetadata(provenance("tasks", 1)));
    PAssert.that(out.get(Rejected.TAG)).empty();
    pipeline.run();
  }

  @Test
  public void aTranscriptBecomesOneMultiTurnChatWithItsSystemLine() {
    PipelineSpec spec = spec("segment: {" + FAQ_KEYS + ", turn_prefixes: {system: ['System:'],"
        + " user: ['User:', 'Human:'], assistant: ['Assistant:', 'AI:']}}");
    Document transcript = doc("chat-1", "{\"body\": \"Support chat, 2 March\\n"
        + "System: You are a billing assistant.\\nUser: I was charged twice.\\n"
        + "Assistant: Sorry about that. I see two charges on May 1.\\n"
        + "  The second one is a pre-authorization.\\nUser: When will it disappear?\\n"
        + "AI: Within five business days.\\nHuman: Thanks!\\nHuman: Anything else I should do?\\n"
        + "Assistant: No, nothing else is needed.\\n\"}");

    PCollectionTuple out = segment(segmenting(spec), transcript);

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.chat("chat-1#0", "You are a billing assistant.", List.of(
                    Message.user("I was charged twice."),
                    Message.assistant("Sorry about that. I see two charges on May 1.\n"
                        + "The second one is a pre-authorization."),
                    Message.user("When will it disappear?"),
                    Message.assistant("Within five business days."),
                    Message.user("Thanks!\nAnything else I should do?"),
                    Message.assistant("No, nothing else is needed.")))
                .withMetadata(provenance("chat-1", 0)));
    PAssert.that(out.get(Rejected.TAG)).empty();
    PAssert.that(out.get(Segment.CUTS)).containsInAnyOrder(1);
    pipeline.run();
  }

  @Test
  public void refusesEachBlockThatCannotBeAnExampleWithItsOffset() {
    PipelineSpec spec = spec(FAQ);
    String incompleteText = "A: An orphan answer with no question.\nQ: What is the refund"
        + " window?\nA: Thirty days from the purchase date.\nQ: Where is my invoice?\n";
    Document incomplete = doc("inc", "{\"body\": " + quote(incompleteText) + "}");
    String shortText = "Q: Hi?\nA: A long enough answer here.\nQ: What are your hours?\nA: 9-5.\n";
    Document tooShort = doc("short", "{\"body\": " + quote(shortText) + "}");
    Document noAssistant = doc("lonely", "{\"body\": \"Ticket 7\\nUser: Hello?\\nUser: Anyone?\"}");
    Document noUser = doc("greeting", "{\"body\": \"Assistant: Welcome! How can I help you?\"}");
    Document prose = doc("prose", "{\"body\": \"Just a paragraph of prose.\"}");
    Document noBody = doc("empty", "{\"text\": \"Q: Where is the body?\"}");

    PCollectionTuple out =
        segment(segmenting(spec), incomplete, tooShort, noAssistant, noUser, prose, noBody);

    PAssert.that(out.get(Segment.EXAMPLES))
        .containsInAnyOrder(
            Example.instruction("inc#1", null, "What is the refund window?", "",
                "Thirty days from the purchase date.").withMetadata(provenance("inc", 1)));
    int lastQuestion = incompleteText.indexOf("Q: Where");
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected("inc#0", "segment", "segment_incomplete", "offset 0: output 'An orphan"
                + " answer with no question.' has no instruction before it", incomplete.fields()),
            new Rejected("inc#2", "segment", "segment_incomplete", "offset " + lastQuestion
                + ": instruction 'Where is my invoice?' has no output before offset "
                + incompleteText.length(), incomplete.fields()),
            new Rejected("short#0", "segment", "instruction_too_short", "offset 0: instruction"
                + " 'Hi?' has 3 chars < min_instruction_chars 5", tooShort.fields()),
            new Rejected("short#1", "segment", "output_too_short", "offset "
                + shortText.indexOf("Q: What") + ": output '9-5.' has 4 chars < min_output_chars 5",
                tooShort.fields()),
            new Rejected("lonely#0", "segment", "no_assistant_turn", "offset 9: the transcript"
                + " never reaches an assistant turn", noAssistant.fields()),
            new Rejected("greeting#0", "segment", "no_user_turn", "offset 0: the transcript has"
                + " no user turn", noUser.fields()),
            Rejected.of(prose, "segment", "no_segments", "no instruction pattern matched and no"
                + " line starts with a turn prefix"),
            Rejected.of(noBody, "segment", "missing_field", "no 'body' field in the record"));
    // Refused blocks count as cut: records read - documents segmented + examples cut =
    // examples exported + records rejected.
    PAssert.that(out.get(Segment.CUTS)).containsInAnyOrder(3, 2, 1, 1);
    pipeline.run();
  }

  @Test
  public void segmentsOfOneDocumentShareTheirSourceIdSoGroupingKeepsThemInOneSplit() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      body.append("Q: Question number ").append(i).append("?\nA: The answer to number ")
          .append(i).append(".\n");
    }
    List<Document> documents = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      documents.add(doc("doc-" + d, "{\"body\": " + quote(body.toString()) + "}"));
    }
    PipelineSpec grouped = spec(FAQ + "split: {group_by: source_id}");
    PipelineSpec ungrouped = spec(FAQ);

    PCollectionTuple cut = pipeline
        .apply(Create.of(documents).withCoder(DocumentCoder.of()))
        .apply(segmenting(grouped));
    PAssert.that(cut.get(Segment.EXAMPLES)
            .apply("GroupedSplit", StratifiedSplit.of(grouped.split())))
        .satisfies(examples -> {
          Map<String, Set<String>> splits = splitsBySource(examples);
          assertEquals(4, splits.size());
          splits.forEach((source, names) ->
              assertEquals(source + " " + names, 1, names.size()));
          return null;
        });
    // Without the group, the 12 segments of a document do spread over the splits.
    PAssert.that(cut.get(Segment.EXAMPLES)
            .apply("UngroupedSplit", StratifiedSplit.of(ungrouped.split())))
        .satisfies(examples -> {
          splitsBySource(examples).forEach((source, names) ->
              assertTrue(source + " " + names, names.size() > 1));
          return null;
        });
    pipeline.run();
  }

  private static Map<String, Set<String>> splitsBySource(Iterable<Example> examples) {
    Map<String, Set<String>> splits = new TreeMap<>();
    int count = 0;
    for (Example example : examples) {
      splits.computeIfAbsent(example.lookupText("source_id"), source -> new TreeSet<>())
          .add(example.split());
      count++;
    }
    assertEquals(48, count);
    return splits;
  }

  private static String quote(String text) {
    return TextNode.valueOf(text).toString();
  }
}
