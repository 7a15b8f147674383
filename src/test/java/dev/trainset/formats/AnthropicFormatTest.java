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

class AnthropicFormatTest {
  private final OutputFormat anthropic = format("anthropic");

  private static Example chat(Message... turns) {
    return Example.chat("c", null, List.of(turns)).withSplit("train");
  }

  @Test
  void nameAndExtension() {
    assertEquals("anthropic", anthropic.name());
    assertEquals(".jsonl", anthropic.extension());
  }

  @Test
  void writesTheSystemPromptBesideTheMessages() {
    assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"},"
        + "{\"role\":\"assistant\",\"content\":\"Blue.\"}]}", anthropic.encode(INSTRUCTION));
    assertEquals("{\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"Translate to French.\\n\\ncat\"},{\"role\":\"assistant\",\"content\":\"chat\"}]}",
        anthropic.encode(INSTRUCTION_WITH_INPUT));
    assertEquals("{\"system\":\"You are terse.\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
        + "{\"role\":\"user\",\"content\":\"Capital of France?\"},"
        + "{\"role\":\"assistant\",\"content\":\"Paris.\"}]}", anthropic.encode(CHAT));
  }

  @Test
  void representsAlternatingConversations() {
    assertNull(anthropic.unrepresentable(INSTRUCTION));
    assertNull(anthropic.unrepresentable(CHAT));
  }

  @Test
  void refusesWhatBedrockRefuses() {
    assertEquals("a text example has no user or assistant turn", anthropic.unrepresentable(TEXT));
    assertEquals("turn 1 is assistant where user was expected", anthropic.unrepresentable(
        chat(Message.assistant("Hello."), Message.user("Hi"))));
    assertEquals("turn 2 is user where assistant was expected", anthropic.unrepresentable(
        chat(Message.user("Hi"), Message.user("Hello?"), Message.assistant("Yes."),
            Message.assistant("Sorry."))));
    assertEquals("the conversation has 3 turns; it needs user/assistant pairs",
        anthropic.unrepresentable(
            chat(Message.user("Hi"), Message.assistant("Hello."), Message.user("Bye"))));
    assertEquals("turn 2 is empty; Bedrock refuses empty turns",
        anthropic.unrepresentable(chat(Message.user("Hi"), Message.assistant(" "))));
  }

  @Test
  void readsItsOwnFileBackWithoutProblems() {
    ReadBack readBack = readBack(anthropic, file(anthropic, INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT));

    assertEquals(List.of(), problems(readBack));
    assertEquals(3, readBack.records());
  }

  @Test
  void findsEveryProblemInAHandMadeFile() {
    String file = String.join("\n",
        "{\"system\":\"s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\"}]}",
        "{\"messages\":[{\"role\":\"assistant\",\"content\":\"Hello\"}]}",
        "{\"system\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            + "{\"role\":\"system\",\"content\":\"\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"Yo\"},{\"role\":\"user\",\"content\":\"\"}]}")
        + "\n";

    assertEquals(List.of(
        "2: messages[0]: is 'assistant' where 'user' must come (turns alternate, user first)",
        "3: 'system' must be a string, not number",
        "3: messages[1]: 'role' is \"system\"; allowed: assistant, user",
        "3: messages[1]: 'content' is empty",
        "4: 'messages' ends with a user turn; the last must be assistant",
        "4: messages[2]: 'content' is empty"),
        problems(readBack(anthropic, file)));
  }
}
