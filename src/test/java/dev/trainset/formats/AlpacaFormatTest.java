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

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlpacaFormatTest {
  private final OutputFormat alpaca = format("alpaca");
  private final OutputFormat withEmptyInput =
      format("alpaca", "output: {alpaca: {include_empty_input: true}}");

  private static Example chat(Message... turns) {
    return Example.chat("c", null, List.of(turns)).withSplit("train");
  }

  @Test
  void nameAndExtension() {
    assertEquals("alpaca", alpaca.name());
    assertEquals(".json", alpaca.extension());
  }

  @Test
  void leavesAnEmptyInputOutByDefault() {
    assertEquals("{\"instruction\":\"Name a colour.\",\"output\":\"Blue.\"}",
        alpaca.encode(INSTRUCTION));
  }

  @Test
  void writesAnEmptyInputWhenAsked() {
    assertEquals("{\"instruction\":\"Name a colour.\",\"input\":\"\",\"output\":\"Blue.\"}",
        withEmptyInput.encode(INSTRUCTION));
  }

  @Test
  void writesAnInputAndTheSystemPrompt() {
    String expected = "{\"instruction\":\"Translate to French.\",\"input\":\"cat\","
        + "\"output\":\"chat\",\"system\":\"Be brief.\"}";
    assertEquals(expected, alpaca.encode(INSTRUCTION_WITH_INPUT));
    assertEquals(expected, withEmptyInput.encode(INSTRUCTION_WITH_INPUT));
  }

  @Test
  void aMultiTurnChatBecomesItsLastExchangePlusHistory() {
    assertEquals(
        "{\"instruction\":\"Capital of France?\",\"output\":\"Paris.\","
            + "\"history\":[[\"Hi\",\"Hello.\"]],\"system\":\"You are terse.\"}",
        alpaca.encode(CHAT));
    assertEquals(
        "{\"instruction\":\"Capital of France?\",\"input\":\"\",\"output\":\"Paris.\","
            + "\"history\":[[\"Hi\",\"Hello.\"]],\"system\":\"You are terse.\"}",
        withEmptyInput.encode(CHAT));
  }

  @Test
  void historyKeepsEveryEarlierExchangeInOrder() {
    Example threePairs = chat(
        Message.user("u1"), Message.assistant("a1"),
        Message.user("u2"), Message.assistant("a2"),
        Message.user("u3"), Message.assistant("a3"));

    assertEquals(
        "{\"instruction\":\"u3\",\"output\":\"a3\",\"history\":[[\"u1\",\"a1\"],[\"u2\",\"a2\"]]}",
        alpaca.encode(threePairs));
  }

  @Test
  void aSingleExchangeChatHasNoHistory() {
    assertEquals("{\"instruction\":\"Hi\",\"output\":\"Hey\"}",
        alpaca.encode(chat(Message.user("Hi"), Message.assistant("Hey"))));
  }

  @Test
  void representsInstructionAndAlternatingChatExamples() {
    assertNull(alpaca.unrepresentable(INSTRUCTION));
    assertNull(alpaca.unrepresentable(INSTRUCTION_WITH_INPUT));
    assertNull(alpaca.unrepresentable(CHAT));
  }

  @Test
  void refusesAChatThatDoesNotAlternate() {
    assertEquals("turn 2 is user where assistant was expected",
        alpaca.unrepresentable(chat(
            Message.user("Hi"), Message.user("Still there?"),
            Message.assistant("Yes."), Message.assistant("Anything else?"))));
    assertEquals("turn 1 is assistant where user was expected",
        alpaca.unrepresentable(chat(Message.assistant("Hello."), Message.user("Hi"))));
  }

  @Test
  void refusesAChatThatIsNotWholePairs() {
    assertEquals("the conversation has 3 turns; it needs user/assistant pairs",
        alpaca.unrepresentable(chat(
            Message.user("Hi"), Message.assistant("Hello."), Message.user("Bye"))));
    assertEquals("the conversation has 0 turns; it needs user/assistant pairs",
        alpaca.unrepresentable(chat()));
  }

  @Test
  void refusesATextExample() {
    assertEquals("a text example has no instruction and output", alpaca.unrepresentable(TEXT));
  }

  @Test
  void aFileOfTwoRecordsIsOneJsonArray() throws Exception {
    String file = file(alpaca, INSTRUCTION, CHAT);

    assertEquals("[\n" + alpaca.encode(INSTRUCTION) + ",\n" + alpaca.encode(CHAT) + "\n]\n",
        file);
    assertEquals(
        Json.MAPPER.readTree("[{\"instruction\": \"Name a colour.\", \"output\": \"Blue.\"},"
            + " {\"instruction\": \"Capital of France?\", \"output\": \"Paris.\","
            + " \"history\": [[\"Hi\", \"Hello.\"]], \"system\": \"You are terse.\"}]"),
        Json.MAPPER.readTree(file));
  }

  @Test
  void anEmptyFileIsAnEmptyJsonArray() throws Exception {
    String file = file(alpaca);

    assertEquals("[\n\n]\n", file);
    JsonNode parsed = Json.MAPPER.readTree(file);
    assertEquals(Json.MAPPER.createArrayNode(), parsed);
  }

  @Test
  void readsItsOwnFileBackAndFindsWhatIsWrongInAnother() {
    ReadBack own = readBack(alpaca, file(alpaca, INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT));
    assertEquals(List.of(), problems(own));
    assertEquals(3, own.records());

    String file = "[\n{\"instruction\":\"a\",\"output\":\"b\",\"history\":[[\"x\"]]},\n"
        + "{\"instruction\":\"a\",\"response\":\"b\"}\n]\n";
    assertEquals(List.of("2: 'history' must be a list of [instruction, output] string pairs",
        "3: unknown key 'response'; allowed: history, input, instruction, output, system",
        "3: 'output' is missing"), problems(readBack(alpaca, file)));
  }
}
