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
import dev.trainset.model.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatmlFormatTest {
  private static final String CHAT_TURNS =
      "{\"role\":\"user\",\"content\":\"Hi\"},"
          + "{\"role\":\"assistant\",\"content\":\"Hello.\"},"
          + "{\"role\":\"user\",\"content\":\"Capital of France?\"},"
          + "{\"role\":\"assistant\",\"content\":\"Paris.\"}";
  private static final String CHAT_TAIL =
      "\"weight\":0.5,\"metadata\":{\"source_id\":\"doc-2\",\"segment_index\":0}}";

  private final OutputFormat chatml = format("chatml");

  @Test
  void nameAndExtension() {
    assertEquals("chatml", chatml.name());
    assertEquals(".jsonl", chatml.extension());
  }

  @Test
  void encodesAnInstructionExampleAsOneExchange() {
    assertEquals(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"weight\":1.5,\"metadata\":{\"source_id\":\"doc-1\"}}",
        chatml.encode(INSTRUCTION));
    // The input follows the instruction after a blank line; the system prompt comes first.
    assertEquals(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Translate to French.\\n\\ncat\"},"
            + "{\"role\":\"assistant\",\"content\":\"chat\"}],"
            + "\"weight\":1.0,\"metadata\":{}}",
        chatml.encode(INSTRUCTION_WITH_INPUT));
  }

  @Test
  void encodesAChatExampleWithItsSystemPrompt() {
    assertEquals(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"}," + CHAT_TURNS + "],"
            + CHAT_TAIL,
        chatml.encode(CHAT));
  }

  @Test
  void aDefaultSystemMessageFillsInOnlyWhereTheExampleHasNone() {
    OutputFormat withDefault =
        format("chatml", "output: {chatml: {system_message: You are helpful.}}");

    assertEquals(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},"
            + "{\"role\":\"user\",\"content\":\"Name a colour.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"weight\":1.5,\"metadata\":{\"source_id\":\"doc-1\"}}",
        withDefault.encode(INSTRUCTION));
    assertEquals(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"}," + CHAT_TURNS + "],"
            + CHAT_TAIL,
        withDefault.encode(CHAT));
  }

  @Test
  void leavesEverySystemPromptOutWhenAsked() {
    OutputFormat noSystem = format("chatml",
        "output: {chatml: {system_message: You are helpful., include_system: false}}");

    assertEquals("{\"messages\":[" + CHAT_TURNS + "]," + CHAT_TAIL, noSystem.encode(CHAT));
    assertEquals(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"},"
            + "{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"weight\":1.5,\"metadata\":{\"source_id\":\"doc-1\"}}",
        noSystem.encode(INSTRUCTION));
  }

  @Test
  void representsInstructionAndChatExamples() {
    assertNull(chatml.unrepresentable(INSTRUCTION));
    assertNull(chatml.unrepresentable(INSTRUCTION_WITH_INPUT));
    assertNull(chatml.unrepresentable(CHAT));
  }

  @Test
  void refusesATextExample() {
    assertEquals("a text example has no user or assistant turn", chatml.unrepresentable(TEXT));
  }

  @Test
  void refusesAChatWithoutAnAssistantTurn() {
    Example unanswered = Example.chat("c", null, List.of(Message.user("Anyone there?")));
    Example empty = Example.chat("e", "System only.", List.of());

    assertEquals("the conversation has no assistant turn", chatml.unrepresentable(unanswered));
    assertEquals("a chat example has no user or assistant turn", chatml.unrepresentable(empty));
  }

  @Test
  void aFileIsOneRecordPerLine() {
    assertEquals(chatml.encode(INSTRUCTION) + "\n" + chatml.encode(CHAT) + "\n",
        file(chatml, INSTRUCTION, CHAT));
  }

  @Test
  void readsItsOwnFileBackAndFindsWhatIsWrongInAnother() {
    ReadBack own = readBack(chatml, file(chatml, INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT));
    assertEquals(List.of(), problems(own));
    assertEquals(3, own.records());

    String file = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"weight\":\"high\"}\n"
        + "{\"messages\":[{\"role\":\"assistant\",\"content\":\"Hi\"}],\"metadata\":[]}\n";
    assertEquals(List.of("1: no assistant message", "1: 'weight' must be a number",
        "2: 'metadata' must be an object"), problems(readBack(chatml, file)));
  }
}
