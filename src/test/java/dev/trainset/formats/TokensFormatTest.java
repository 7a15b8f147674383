package dev.trainset.formats;

import static dev.trainset.formats.FormatExamples.format;
import static dev.trainset.formats.FormatExamples.problems;
import static dev.trainset.formats.FormatExamples.readBack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trainset.model.Example;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokensFormatTest {
  private static final String PACKED = "output: {tokens: {seq_len: 2}}";

  private static List<String> pack(int seqLen, int[]... examples) throws IOException {
    List<String> lines = new ArrayList<>();
    TokensFormat format = (TokensFormat) format("tokens");
    TokensFormat.Packer packer = new TokensFormat.Packer(seqLen,
        (index, ids, length, details) -> lines.add(format.line(index, ids, length, details, -1)));
    for (int i = 0; i < examples.length; i++) {
      packer.add(10 + i, examples[i]);
    }
    packer.finish();
    return lines;
  }

  @Test
  void encodesTheFullTextAsOrdinaryTextWithTheChosenTokenizer() {
    Example example = Example.instruction("i1", null, "Add 2 and 3.", "", "5");
    assertEquals("[2261,220,17,323,220,18,382,20]", format("tokens").encode(example));
    // A special token's spelling in the data is text, not the control token 100257.
    assertEquals("[27,91,8862,728,428,91,29]",
        format("tokens").encode(Example.text("t", "<|endoftext|>")));
    assertEquals(TokensFormat.record(7, "[9906,1917]"), "{\"index\":7,\"content\":[9906,1917]}");
    assertEquals("[13225,2375]", format("tokens", "output: {tokens: {tokenizer: o200k_base}}")
        .encode(Example.text("t", "Hello world")));
  }

  @Test
  void cannotRepresentAnExampleWithoutText() {
    assertEquals("the example has no text to tokenize",
        format("tokens").unrepresentable(Example.text("t", "")));
    assertNull(format("tokens").unrepresentable(Example.text("t", " ")));
  }

  @Test
  void packsSequencesThatEndExactlyAtAnExamplesEnd() throws IOException {
    assertEquals(List.of(
        "{\"index\":0,\"content\":[1,2],\"doc_details\":"
            + "{\"doc_index_f\":10,\"doc_index_l\":10,\"offset_f\":0,\"offset_l\":2}}",
        "{\"index\":1,\"content\":[3,4],\"doc_details\":"
            + "{\"doc_index_f\":11,\"doc_index_l\":11,\"offset_f\":0,\"offset_l\":2}}",
        "{\"index\":2,\"content\":[5],\"doc_details\":"
            + "{\"doc_index_f\":12,\"doc_index_l\":12,\"offset_f\":0,\"offset_l\":1}}"),
        pack(2, new int[] {1, 2}, new int[] {3, 4}, new int[] {5}));
  }

  @Test
  void packsAnExampleLongerThanTwoSequencesWithOffsetsIntoIt() throws IOException {
    assertEquals(List.of(
        "{\"index\":0,\"content\":[9,1],\"doc_details\":"
            + "{\"doc_index_f\":10,\"doc_index_l\":11,\"offset_f\":0,\"offset_l\":1}}",
        "{\"index\":1,\"content\":[2,3],\"doc_details\":"
            + "{\"doc_index_f\":11,\"doc_index_l\":11,\"offset_f\":1,\"offset_l\":3}}",
        "{\"index\":2,\"content\":[4,5],\"doc_details\":"
            + "{\"doc_index_f\":11,\"doc_index_l\":11,\"offset_f\":3,\"offset_l\":5}}"),
        pack(2, new int[] {9}, new int[] {1, 2, 3, 4, 5}));
  }

  @Test
  void readsBackWhatItWritesCountingExamples() throws IOException {
    String packed = String.join("\n", pack(2, new int[] {9}, new int[] {1, 2, 3, 4, 5},
        new int[] {6, 7, 8})) + "\n";
    ReadBack sequences = readBack(format("tokens", PACKED), packed);
    assertEquals(List.of(), problems(sequences));
    assertEquals(3, sequences.records());

    ReadBack lines = readBack(format("tokens"),
        "{\"index\":4,\"content\":[1]}\n{\"index\":5,\"content\":[2,3]}\n");
    assertEquals(List.of(), problems(lines));
    assertEquals(2, lines.records());
  }

  @Test
  void findsWhatBreaksTheFormat() {
    assertEquals(List.of(
            "1: unknown key 'text'; allowed: content, index",
            "2: 'index' is 7 where 6 must come",
            "3: 'index' must be a whole number >= 0",
            "3: 'content'[1] is -2; a token id is a whole number >= 0",
            "4: 'content' must be a non-empty list of token ids"),
        problems(readBack(format("tokens"),
            "{\"index\":5,\"content\":[1],\"text\":\"a\"}\n{\"index\":7,\"content\":[1]}\n"
                + "{\"index\":\"8\",\"content\":[1,-2]}\n{\"index\":8,\"content\":[]}\n")));
    assertEquals(List.of(
            "1: 'doc_details' {\"doc_index_f\":0,\"doc_index_l\":0,\"offset_f\":0,\"offset_l\":3}"
                + " do not describe the 2 tokens of 'content'",
            "2: 'content' holds 3 tokens; seq_len is 2",
            "2: 'doc_details' do not start where the previous sequence ended",
            "4: follows line 3, a sequence shorter than seq_len 2 (only a file's last may be)",
            "4: 'index' is 4 where 3 must come",
            "4: 'doc_details' must be an object of doc_index_f, doc_index_l, offset_f, offset_l"),
        problems(readBack(format("tokens", PACKED),
            "{\"index\":0,\"content\":[1,2],\"doc_details\":{\"doc_index_f\":0,\"doc_index_l\":0,"
                + "\"offset_f\":0,\"offset_l\":3}}\n"
                + "{\"index\":1,\"content\":[1,2,3],\"doc_details\":{\"doc_index_f\":2,"
                + "\"doc_index_l\":2,\"offset_f\":0,\"offset_l\":3}}\n"
                + "{\"index\":2,\"content\":[1],\"doc_details\":{\"doc_index_f\":3,"
                + "\"doc_index_l\":3,\"offset_f\":0,\"offset_l\":1}}\n"
                + "{\"index\":4,\"content\":[1,2]}\n")));
  }

  @Test
  void readsBackCsvDecodedTextAndBatchesByTheirOwnRules() {
    String csvPacked = "output: {tokens: {seq_len: 2, file_format: csv}}";
    ReadBack packed = readBack(format("tokens", csvPacked),
        "index,content,doc_index_f,doc_index_l,offset_f,offset_l\r\n"
            + "0,\"[9,1]\",0,1,0,1\r\n1,\"[2,3]\",1,1,1,3\r\n");
    assertEquals(List.of(), problems(packed));
    assertEquals(2, packed.records());
    assertEquals(List.of("1: the header is 'index,content' where"
            + " 'index,content,doc_index_f,doc_index_l,offset_f,offset_l' must be"),
        problems(readBack(format("tokens", csvPacked), "index,content\r\n0,\"[1]\"\r\n")));

    ReadBack text = readBack(format("tokens", "output: {tokens: {detokenize: true}}"),
        "{\"index\":0,\"content\":\"Hello world\"}\n{\"index\":1,\"content\":\"\"}\n");
    assertEquals(List.of("2: 'content' must be the non-empty decoded text"), problems(text));
    assertEquals(2, text.tokens());

    String batches = "output: {formats: [tokens], tokens: {file_format: csv},"
        + " select: {batch_size: 2, batches: [0, '3-4']}}";
    assertEquals(List.of(), problems(readBack(format("tokens", batches),
        "index,content,batch\r\n7,\"[1]\",0\r\n2,\"[5]\",0\r\n9,\"[3]\",3\r\n")));
    assertEquals(List.of("3: 'batch' is 0 after batch 3", "4: 'batch' must be a whole number >= 0"),
        problems(readBack(format("tokens", batches), "index,content,batch\r\n7,\"[1]\",3\r\n"
            + "2,\"[5]\",0\r\n9,\"[3]\",x\r\n")));
  }
}
