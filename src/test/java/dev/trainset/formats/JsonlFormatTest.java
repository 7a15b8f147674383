package dev.trainset.formats;

import static dev.trainset.formats.FormatExamples.CHAT;
import static dev.trainset.formats.FormatExamples.INSTRUCTION;
import static dev.trainset.formats.FormatExamples.INSTRUCTION_WITH_INPUT;
import static dev.trainset.formats.FormatExamples.TEXT;
import static dev.trainset.formats.FormatExamples.file;
import static dev.trainset.formats.FormatExamples.format;
import static dev.trainset.formats.FormatExamples.problems;
import static dev.trainset.formats.FormatExamples.readBack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trainset.model.Example;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlFormatTest {
  private final OutputFormat jsonl = format("jsonl");

  @Test
  void nameAndExtension() {
    assertEquals("jsonl", jsonl.name());
    assertEquals(".jsonl", jsonl.extension());
  }

  @Test
  void encodesAnInstructionExample() {
    assertEquals(
        "{\"id\":\"ins-1\",\"split\":\"train\",\"weight\":1.5,\"instruction\":\"Name a colour.\","
            + "\"input\":\"\",\"output\":\"Blue.\",\"metadata\":{\"source_id\":\"doc-1\"}}",
        jsonl.encode(INSTRUCTION));
    assertEquals(
        "{\"id\":\"ins-2\",\"split\":\"train\",\"weight\":1.0,\"system\":\"Be brief.\","
            + "\"instruction\":\"Translate to French.\",\"input\":\"cat\",\"output\":\"chat\","
            + "\"metadata\":{}}",
        jsonl.encode(INSTRUCTION_WITH_INPUT));
  }

  @Test
  void encodesAChatExample() {
    assertEquals(
        "{\"id\":\"chat-1\",\"split\":\"validation\",\"weight\":0.5,\"system\":\"You are terse.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello.\"},"
            + "{\"role\":\"user\",\"content\":\"Capital of France?\"},"
            + "{\"role\":\"assistant\",\"content\":\"Paris.\"}],"
            + "\"metadata\":{\"source_id\":\"doc-2\",\"segment_index\":0}}",
        jsonl.encode(CHAT));
  }

  @Test
  void encodesATextExample() {
    assertEquals(
        "{\"id\":\"text-1\",\"split\":\"test\",\"weight\":1.0,"
            + "\"text\":\"The cat sat.\\nThe dog ran.\",\"metadata\":{}}",
        jsonl.encode(TEXT));
  }

  @Test
  void escapesQuotesAndControlCharactersButKeepsUnicode() {
    Example example = Example.text("q", "Say \"café\"\tnow\\").withSplit("train");

    assertEquals(
        "{\"id\":\"q\",\"split\":\"train\",\"weight\":1.0,"
            + "\"text\":\"Say \\\"café\\\"\\tnow\\\\\",\"metadata\":{}}",
        jsonl.encode(example));
  }

  @Test
  void leavesMetadataOutWhenAsked() {
    OutputFormat bare = format("jsonl", "output: {jsonl: {include_metadata: false}}");

    assertEquals(
        "{\"id\":\"ins-1\",\"split\":\"train\",\"weight\":1.5,\"instruction\":\"Name a colour.\","
            + "\"input\":\"\",\"output\":\"Blue.\"}",
        bare.encode(INSTRUCTION));
    assertEquals(
        "{\"id\":\"text-1\",\"split\":\"test\",\"weight\":1.0,"
            + "\"text\":\"The cat sat.\\nThe dog ran.\"}",
        bare.encode(TEXT));
  }

  @Test
  void representsEveryStyle() {
    assertNull(jsonl.unrepresentable(INSTRUCTION));
    assertNull(jsonl.unrepresentable(CHAT));
    assertNull(jsonl.unrepresentable(TEXT));
  }

  @Test
  void aFileIsOneRecordPerLine() {
    assertEquals("", file(jsonl));
    assertEquals(jsonl.encode(INSTRUCTION) + "\n" + jsonl.encode(TEXT) + "\n",
        file(jsonl, INSTRUCTION, TEXT));
  }

  @Test
  void readsItsOwnFileBackAndFindsWhatIsWrongInAnother() {
    ReadBack own = readBack(jsonl, file(jsonl, INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT, TEXT));
    assertEquals(List.of(), problems(own));
    assertEquals(4, own.records());

    String file = "{\"id\":\"a\",\"split\":\"train\",\"weight\":1,\"text\":\"x\",\"output\":\"y\"}\n"
        + "{\"id\":2,\"split\":\"train\",\"text\":\"x\"}\n";
    assertEquals(List.of("1: 'instruction' is missing",
        "1: a record needs exactly one of instruction/output, messages or text; it has 2",
        "2: 'id' must be a string, not number", "2: 'weight' must be a number"),
        problems(readBack(jsonl, file)));
  }
}
