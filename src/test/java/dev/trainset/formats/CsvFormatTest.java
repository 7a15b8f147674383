package dev.trainset.formats;

import static dev.trainset.formats.FormatExamples.CHAT;
import static dev.trainset.formats.FormatExamples.INSTRUCTION;
import static dev.trainset.formats.FormatExamples.INSTRUCTION_WITH_INPUT;
import static dev.trainset.formats.FormatExamples.TEXT;
import static dev.trainset.formats.FormatExamples.ordered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.testing.Fixtures;
import org.junit.jupiter.api.Test;

class CsvFormatTest {
  private static CsvFormat csv(String yaml) {
    PipelineSpec spec = Fixtures.spec(yaml);
    return CsvFormat.of(spec.output(), ExampleTable.of(spec.fields(), spec.quality()));
  }

  @Test
  void writesAHeaderAndRfc4180RowsWithColumnsFromTheConfig() {
    CsvFormat format = csv("fields: {metadata: [source_id]}\nquality: {max_tokens: 100}");
    Example quoted = Example.instruction("ins-3", null, "Say \"hi\", then stop.", "",
            "line one\nline two")
        .withSplit("test").withMetadata(ordered("token_count", IntNode.valueOf(9)));

    assertEquals(
        "id,split,weight,system,instruction,input,output,metadata.source_id,metadata.token_count\r\n"
            + "ins-1,train,1.5,,\"Name a colour.\",,Blue.,doc-1,\r\n"
            + "ins-2,train,1.0,\"Be brief.\",\"Translate to French.\",cat,chat,,\r\n"
            + "ins-3,test,1.0,,\"Say \"\"hi\"\", then stop.\",,\"line one\nline two\",,9\r\n",
        FormatExamples.file(format, INSTRUCTION, INSTRUCTION_WITH_INPUT, quoted));
  }

  @Test
  void aChatIsItsMessagesAsJsonAndMetadataCanBeOneJsonColumn() {
    CsvFormat format = csv("fields: {style: chat, metadata: [source_id, segment_index]}\n"
        + "output: {csv: {flatten: false}}");

    assertEquals(
        "id,split,weight,system,messages,metadata\r\n"
            + "chat-1,validation,0.5,\"You are terse.\",\"[{\"\"role\"\":\"\"user\"\",\"\"content\"\":"
            + "\"\"Hi\"\"},{\"\"role\"\":\"\"assistant\"\",\"\"content\"\":\"\"Hello.\"\"},"
            + "{\"\"role\"\":\"\"user\"\",\"\"content\"\":\"\"Capital of France?\"\"},"
            + "{\"\"role\"\":\"\"assistant\"\",\"\"content\"\":\"\"Paris.\"\"}]\","
            + "\"{\"\"source_id\"\":\"\"doc-2\"\",\"\"segment_index\"\":0}\"\r\n",
        FormatExamples.file(format, CHAT));
  }

  @Test
  void neutralizesFormulasInTextCellsOnlyWhenAsked() {
    Example formulas = Example.instruction("=id", "+sys", "=SUM(A1)", "@me", "-1 is right")
        .withSplit("train").withMetadata(ordered("n", IntNode.valueOf(-3),
            "t", TextNode.valueOf("\tx")));

    assertEquals("=id,train,1.0,\"+sys\",\"=SUM(A1)\",@me,\"-1 is right\",-3,\"\tx\"",
        csv("fields: {metadata: [n, t]}").encode(formulas));
    assertEquals("\"'=id\",train,1.0,\"'+sys\",\"'=SUM(A1)\",\"'@me\",\"'-1 is right\",-3,"
            + "\"'\tx\"",
        csv("fields: {metadata: [n, t]}\noutput: {csv: {neutralize_formulas: true}}")
            .encode(formulas));
  }

  @Test
  void anObjectInMetadataCannotBeFlattenedIntoColumnsFixedBeforehand() {
    Example nested = INSTRUCTION.withMetadata(ordered("source_id",
        Json.MAPPER.createObjectNode().put("doc", 1)));

    assertEquals("metadata 'source_id' is an object, and columns are fixed before the data is"
            + " read: name its leaves in fields.metadata (source_id.x)",
        csv("fields: {metadata: [source_id]}").unrepresentable(nested));
    assertNull(csv("fields: {metadata: [source_id]}\noutput: {csv: {flatten: false}}")
        .unrepresentable(nested));
  }

  @Test
  void anExampleOutsideTheTableGoesToValidation() {
    CsvFormat format = csv("fields: {metadata: [source_id]}");

    assertNull(format.unrepresentable(INSTRUCTION));
    assertEquals("a text example has no columns in a table of instruction examples"
        + " (fields.style)", format.unrepresentable(TEXT));
    assertEquals("metadata key 'segment_index' has no column (columns come from fields.metadata"
            + " and the quality settings)",
        format.unrepresentable(INSTRUCTION.withMetadata(ordered("segment_index", IntNode.valueOf(0)))));
  }

  @Test
  void theDataDictionaryListsEveryColumnWithItsTypeAndMeaning() {
    String dictionary = csv("fields: {style: text, metadata: [state.reward]}\n"
        + "quality: {heuristics: true, tiers: {high: 0.8}}").dataDictionary("demo");

    assertEquals(
        "| column | type | meaning |\n|---|---|---|\n"
            + "| `id` | text | the example's id: the record's input.id_field, else a hash of it |\n"
            + "| `split` | text | the split the example belongs to |\n"
            + "| `weight` | number | the example's training weight (weights) |\n"
            + "| `system` | text | the system prompt; empty when the example has none |\n"
            + "| `text` | text | the example's text |\n"
            + "| `metadata.state.reward` | as in the record: text, number or true/false; a list as"
            + " JSON | the record's 'state.reward' field (fields.metadata) |\n"
            + "| `metadata.quality_score` | number | the heuristic quality score, 0 to 1"
            + " (quality.heuristics) |\n"
            + "| `metadata.quality_tier` | text | the tier of quality.tiers the score reaches;"
            + " untiered below every tier |\n",
        dictionary.substring(dictionary.indexOf("| column")));
  }
}
