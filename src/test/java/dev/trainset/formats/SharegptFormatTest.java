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
import dev.trainset.model.Json;
import dev.trainset.model.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharegptFormatTest {
  private final OutputFormat sharegpt = format("sharegpt");

  @Test
  void nameAndExtension() {
    assertEquals("sharegpt", sharegpt.name());
    assertEquals(".json", sharegpt.extension());
  }

  @Test
  void writesHumanAndGptTurnsAndTheSystemPrompt() {
    assertEquals("{\"conversations\":[{\"from\":\"human\",\"value\":\"Name a colour.\"},"
        + "{\"from\":\"gpt\",\"value\":\"Blue.\"}]}", sharegpt.encode(INSTRUCTION));
    assertEquals("{\"conversations\":[{\"from\":\"human\",\"value\":\"Translate to French.\\n\\ncat\"},"
        + "{\"from\":\"gpt\",\"value\":\"chat\"}],\"system\":\"Be brief.\"}",
        sharegpt.encode(INSTRUCTION_WITH_INPUT));
    assertEquals("{\"conversations\":[{\"from\":\"human\",\"value\":\"Hi\"},"
        + "{\"from\":\"gpt\",\"value\":\"Hello.\"},{\"from\":\"human\",\"value\":\"Capital of France?\"},"
        + "{\"from\":\"gpt\",\"value\":\"Paris.\"}],\"system\":\"You are terse.\"}",
        sharegpt.encode(CHAT));
  }

  @Test
  void aFileIsOneJsonArray() throws Exception {
    String file = file(sharegpt, INSTRUCTION, CHAT);

    assertEquals("[\n" + sharegpt.encode(INSTRUCTION) + ",\n" + sharegpt.encode(CHAT) + "\n]\n", file);
    assertEquals(2, Json.MAPPER.readTree(file).size());
    assertEquals("[\n\n]\n", file(sharegpt));
  }

  @Test
  void refusesATextExampleAndAChatThatDoesNotAlternate() {
    assertNull(sharegpt.unrepresentable(CHAT));
    assertEquals("a text example has no user or assistant turn", sharegpt.unrepresentable(TEXT));
    assertEquals("turn 2 is user where assistant was expected", sharegpt.unrepresentable(
        Example.chat("c", null, List.of(Message.user("Hi"), Message.user("Hello?"),
            Message.assistant("Yes."), Message.assistant("Sorry."))).withSplit("train")));
  }

  @Test
  void readsItsOwnFileBackWithoutProblems() {
    ReadBack readBack = readBack(sharegpt, file(sharegpt, INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT));

    assertEquals(List.of(), problems(readBack));
    assertEquals(3, readBack.records());
    assertEquals(0, readBack(sharegpt, file(sharegpt)).records());
  }

  @Test
  void findsEveryProblemInAHandMadeFile() {
    String file = "[\n"
        + "{\"conversations\":[{\"from\":\"human\",\"value\":\"Hi\"},{\"from\":\"gpt\",\"value\":\"Yo\"}]},\n"
        + "{\"conversations\":[{\"from\":\"user\",\"value\":\"Hi\"}],\"id\":7},\n"
        + "\"just text\",\n"
        + "{\"conversations\":[{\"from\":\"gpt\",\"value\":\"Yo\"},{\"from\":\"human\",\"value\":\"Hi\"}]},\n"
        + "{\"conversations\":[], \"conversations\":[]}\n"
        + "]\n";

    assertEquals(List.of(
        "3: unknown key 'id'; allowed: conversations, system",
        "3: conversations[0]: 'from' is \"user\"; allowed: gpt, human",
        "3: 'conversations' ends with a human turn; the last must be gpt",
        "4: a record must be a JSON object",
        "5: conversations[0]: is 'gpt' where 'human' must come (turns alternate, human first)",
        "6: not valid JSON: Duplicate field 'conversations'"),
        problems(readBack(sharegpt, file)));
  }

  @Test
  void aFileThatIsNotAnArrayIsOneProblem() {
    assertEquals(List.of("1: the file is not one JSON array"),
        problems(readBack(sharegpt, "{\"conversations\":[]}\n")));
    assertEquals(List.of("3: content after the end of the array"),
        problems(readBack(sharegpt, "[\n]\n[]\n")));
  }
}
