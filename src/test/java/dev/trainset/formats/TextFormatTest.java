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

class TextFormatTest {
  private final OutputFormat text = format("text");
  private final OutputFormat bare = format("text", "output: {text: {include_headers: false}}");
  private final OutputFormat narrow = format("text", "output: {text: {max_line_length: 10}}");

  private static Example plain(String body) {
    return Example.text("w-1", body).withSplit("train");
  }

  @Test
  void nameAndExtension() {
    assertEquals("text", text.name());
    assertEquals(".txt", text.extension());
  }

  @Test
  void encodesAnInstructionExampleUnderAHeader() {
    assertEquals(
        "id: ins-1 | split: train | weight: 1.5\n"
            + "[instruction]\nName a colour.\n"
            + "[output]\nBlue.",
        text.encode(INSTRUCTION));
    assertEquals(
        "id: ins-2 | split: train | weight: 1.0\n"
            + "[system]\nBe brief.\n"
            + "[instruction]\nTranslate to French.\n"
            + "[input]\ncat\n"
            + "[output]\nchat",
        text.encode(INSTRUCTION_WITH_INPUT));
  }

  @Test
  void encodesAChatExampleTurnByTurn() {
    assertEquals(
        "id: chat-1 | split: validation | weight: 0.5\n"
            + "[system]\nYou are terse.\n"
            + "[user]\nHi\n"
            + "[assistant]\nHello.\n"
            + "[user]\nCapital of France?\n"
            + "[assistant]\nParis.",
        text.encode(CHAT));
  }

  @Test
  void encodesATextExampleAsItIs() {
    assertEquals("id: text-1 | split: test | weight: 1.0\nThe cat sat.\nThe dog ran.",
        text.encode(TEXT));
  }

  @Test
  void leavesTheHeaderOutWhenAsked() {
    assertEquals("[instruction]\nName a colour.\n[output]\nBlue.", bare.encode(INSTRUCTION));
    assertEquals("[system]\nYou are terse.\n[user]\nHi\n[assistant]\nHello.\n"
        + "[user]\nCapital of France?\n[assistant]\nParis.", bare.encode(CHAT));
    assertEquals("The cat sat.\nThe dog ran.", bare.encode(TEXT));
  }

  @Test
  void representsEveryStyle() {
    assertNull(text.unrepresentable(INSTRUCTION));
    assertNull(text.unrepresentable(CHAT));
    assertNull(text.unrepresentable(TEXT));
  }

  @Test
  void wrapsALongLineAtTheLastSpaceThatFits() {
    // The header is not wrapped; the body breaks before "brown" and before "jumps".
    assertEquals("id: w-1 | split: train | weight: 1.0\nthe quick\nbrown fox\njumps",
        narrow.encode(plain("the quick brown fox jumps")));
    // A space right at the limit still leaves a line of exactly ten characters.
    assertEquals("id: w-1 | split: train | weight: 1.0\nabcdefghij\nklm",
        narrow.encode(plain("abcdefghij klm")));
  }

  @Test
  void cutsALongLineWithoutSpacesAtTheLimit() {
    assertEquals("id: w-1 | split: train | weight: 1.0\nabcdefghij\nklmnopqrst\nuvwxy",
        narrow.encode(plain("abcdefghijklmnopqrstuvwxy")));
  }

  @Test
  void wrapsEachLineOnItsOwnAndLeavesShortOnesAlone() {
    assertEquals("id: w-1 | split: train | weight: 1.0\nabcdefghij\nshort\nthe quick\nbrown fox",
        narrow.encode(plain("abcdefghij\nshort\nthe quick brown fox")));
  }

  @Test
  void wrapsTheTextOfEveryPart() {
    Example example =
        Example.instruction("w-2", null, "Name three colours.", "", "Red, green and blue.")
            .withSplit("train");

    assertEquals("id: w-2 | split: train | weight: 1.0\n"
            + "[instruction]\nName three\ncolours.\n"
            + "[output]\nRed, green\nand blue.",
        narrow.encode(example));
  }

  @Test
  void aFileHasSeparatorsBetweenRecordsAndEndsWithANewline() {
    assertEquals(text.encode(INSTRUCTION) + "\n---\n" + text.encode(TEXT) + "\n",
        file(text, INSTRUCTION, TEXT));
    assertEquals("\n", file(text));
  }

  @Test
  void theSeparatorIsConfigurable() {
    OutputFormat blank = format("text",
        "output: {text: {separator: \"\\n\\n\", include_headers: false}}");

    assertEquals("The cat sat.\nThe dog ran.\n\n[instruction]\nName a colour.\n[output]\nBlue.\n",
        file(blank, TEXT, INSTRUCTION));
  }

  @Test
  void aHardCutNeverSplitsACharacterInTwo() {
    OutputFormat three = format("text", "output: {text: {max_line_length: 3, include_headers: false}}");
    assertEquals("\uD83D\uDE00\n\uD83D\uDE00\n\uD83D\uDE00",
        three.encode(Example.text("e", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00").withSplit("train")));
  }

  @Test
  void refusesATextThatHoldsTheSeparator() {
    String reason = "the text holds the separator '\\n---\\n', so a reader could not tell where"
        + " the record ends";
    assertEquals(reason, text.unrepresentable(plain("Above\n---\nBelow")));
    // Overlapping the separator at either end cuts in the wrong place too.
    assertEquals(reason, bare.unrepresentable(plain("ends with\n---")));
    assertEquals(reason, bare.unrepresentable(plain("---\nstarts with")));
    assertNull(bare.unrepresentable(plain("a --- in a line")));
  }

  @Test
  void refusesAnEmptyRecord() {
    assertEquals("an empty record cannot be told apart from no record",
        bare.unrepresentable(plain("")));
    assertNull(text.unrepresentable(plain("")));
  }

  @Test
  void readsItsOwnFileBackRecordByRecord() {
    ReadBack readBack = readBack(text, file(text, INSTRUCTION, CHAT, TEXT));
    assertEquals(List.of(), problems(readBack));
    assertEquals(3, readBack.records());

    assertEquals(0, readBack(text, file(text)).records());
    OutputFormat blank = format("text", "output: {text: {separator: \"\\n\\n\\n\", include_headers: false}}");
    assertEquals(2, readBack(blank, file(blank, INSTRUCTION, plain("two\n\nparagraphs"))).records());
  }

  @Test
  void findsRecordsWithoutAHeaderAndAMissingLastNewline() {
    String file = text.encode(INSTRUCTION) + "\n---\n" + "no header here\n---\n"
        + text.encode(TEXT);

    ReadBack readBack = readBack(text, file);

    assertEquals(List.of(
        "7: the record does not start with an 'id: ... | split: ... | weight: ...' header",
        "11: the file does not end with a newline"), problems(readBack));
    assertEquals(3, readBack.records());
  }
}
