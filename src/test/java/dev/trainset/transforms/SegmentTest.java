package dev.trainset.transforms;

import static dev.trainset.testing.Fixtures.doc;
import static dev.trainset.testing.Fixtures.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Example;
import dev.trainset.model.Message;
import dev.trainset.model.Rejected;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
