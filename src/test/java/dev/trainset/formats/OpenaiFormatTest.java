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

class OpenaiFormatTest {
  private static final String CHAT_TURNS =
      "{\"role\":\"user\",\"content\":\"Hi\"},"
          + "{\"role\":\"assistant\",\"content\":\"Hello.\"},"
          + "{\"role\":\"user\",\"content\":\"Capital of France?\"},"
          + "{\"role\":\"assistant\",\"content\":\"Paris.\"}";

  /** The OpenAI cookbook's example_messages (How to count tokens with tiktoken), one line. */
  private static final String COOKBOOK_MESSAGES = "{\"messages\":["
      + "{\"role\":\"system\",\"content\":\"You are a helpful, pattern-following assistant that"
      + " translates corporate jargon into plain English.\"},"
      + "{\"role\":\"system\",\"name\":\"example_user\",\"content\":\"New synergies will help drive"
      + " top-line growth.\"},"
      + "{\"role\":\"system\",\"name\":\"example_assistant\",\"content\":\"Things working well"
      + " together will increase revenue.\"},"
      + "{\"role\":\"system\",\"name\":\"example_user\",\"content\":\"Let's circle back when we have"
      + " more bandwidth to touch base on opportunities for increased leverage.\"},"
      + "{\"role\":\"system\",\"name\":\"example_assistant\",\"content\":\"Let's talk later when"
      + " we're less busy about how to do better.\"},"
      + "{\"role\":\"user\",\"content\":\"This late pivot means we don't have time to boil the ocean"
      + " for the client deliverable.\"}]}\n";

  private final OutputFormat openai = format("openai");

  @Test
  void nameAndExtension() {
    assertEquals("openai", openai.name());
    assertEquals(".jsonl", openai.extension());
  }

  @Test
  void writesMessagesOnlyWithTheSystemPromptFirst() {
    assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour.\"},"
        + "{\"role\":\"assistant\",\"content\":\"Blue.\"}]}", openai.encode(INSTRUCTION));
    assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\"Translate to French.\\n\\ncat\"},"
        + "{\"role\":\"assistant\",\"content\":\"chat\"}]}", openai.encode(INSTRUCTION_WITH_INPUT));
    // Weight and metadata are not part of the API's format: neither is written.
    assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
        + CHAT_TURNS + "]}", openai.encode(CHAT));
  }

  @Test
  void aFileIsOneRecordPerLine() {
    assertEquals(openai.encode(INSTRUCTION) + "\n" + openai.encode(CHAT) + "\n",
        file(openai, INSTRUCTION, CHAT));
  }

  @Test
  void countsTokensAsTheCookbookDoes() {
    // The cookbook prints 129 for these messages on gpt-3.5-turbo and gpt-4 (cl100k_base).
    OutputFormat cl100k = format("openai", "output: {openai: {tokenizer: cl100k_base}}");
    ReadBack readBack = readBack(cl100k, COOKBOOK_MESSAGES);

    assertEquals(129, readBack.tokens());
    assertEquals(List.of("1: no assistant message: there is nothing to train on"),
        problems(readBack));
  }

  @Test
  void sendsAnExampleOverMaxTokensToValidation() {
    // 3 priming + (3 + "user" 1 + "Name a colour." 4) + (3 + "assistant" 1 + "Blue." 2) = 17.
    assertEquals(17, ((OpenaiFormat) openai).tokens(INSTRUCTION.turns()));
    assertNull(format("openai", "output: {openai: {max_tokens: 17}}").unrepresentable(INSTRUCTION));
    assertEquals("17 tokens (o200k_base, OpenAI chat accounting) is more than"
            + " output.openai.max_tokens 16",
        format("openai", "output: {openai: {max_tokens: 16}}").unrepresentable(INSTRUCTION));
  }

  @Test
  void refusesWhatTheApiCannotTrainOn() {
    assertEquals("a text example has no user or assistant turn", openai.unrepresentable(TEXT));
    assertEquals("the conversation has no assistant turn", openai.unrepresentable(
        Example.chat("c", null, List.of(Message.user("Anyone there?"))).withSplit("train")));
    assertEquals("weight 0: OpenAI would train on its assistant turns all the same",
        openai.unrepresentable(INSTRUCTION.withWeight(0)));
    assertNull(openai.unrepresentable(CHAT));
  }

  @Test
  void readsItsOwnFileBackWithoutProblems() {
    ReadBack readBack = readBack(openai, file(openai, INSTRUCTION, CHAT));

    assertEquals(List.of(), problems(readBack));
    assertEquals(2, readBack.records());
  }

  @Test
  void findsEveryProblemInAHandMadeFile() {
    String file = String.join("\n",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\",\"weight\":1}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"weight\":0},"
            + "{\"role\":\"assistant\",\"content\":\"Hello\",\"weight\":0.5}]}",
        "{\"messages\":[{\"role\":\"human\",\"content\":\"Hi\"}],\"id\":\"x\"}",
        "",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}",
        "{\"prompt\":\"Hi\",\"completion\":\"Hello\"}",
        "{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"x\",\"extra\":1}]}")
        + "\n";

    ReadBack readBack = readBack(openai, file);

    assertEquals(List.of(
        "2: messages[0]: 'weight' is allowed on assistant turns only",
        "2: messages[1]: 'weight' is 0.5; allowed: 0, 1",
        "3: unknown key 'id'; allowed: functions, messages, parallel_tool_calls, tools",
        "3: messages[0]: 'role' is \"human\"; allowed: assistant, function, system, tool, user",
        "3: no assistant message: there is nothing to train on",
        "4: a blank line where a JSON object belongs",
        "5: not valid JSON: Unexpected end-of-input: expected close marker for Array",
        "6: unknown key 'prompt'; allowed: functions, messages, parallel_tool_calls, tools",
        "6: unknown key 'completion'; allowed: functions, messages, parallel_tool_calls, tools",
        "6: 'messages' must be a list of turns",
        "7: messages[0]: 'content' must be a string",
        "7: messages[1]: unknown key 'extra'; allowed: content, function_call, name, role,"
            + " tool_call_id, tool_calls, weight"),
        problems(readBack));
    // Every line that is a JSON object counts as a record, right or wrong.
    assertEquals(5, readBack.records());
  }

  @Test
  void reportsBytesThatAreNotUtf8OnTheirLine() {
    byte[] good = (openai.encode(INSTRUCTION) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"}]}\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] both = new byte[good.length + bad.length];
    System.arraycopy(good, 0, both, 0, good.length);
    System.arraycopy(bad, 0, both, good.length, bad.length);

    assertEquals(List.of("2: not valid UTF-8 (byte 43 of the line)",
            "2: no assistant message: there is nothing to train on"),
        problems(readBack(openai, both)));
  }
}
