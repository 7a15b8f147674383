package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.Formats;
import dev.trainset.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator over real files: per-split counts, the comparison with stats, the reports. */
class OutputValidationTest {
  @TempDir Path out;

  private static final String LINE = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
      + "{\"role\":\"assistant\",\"content\":\"Hello\"}]}\n";
  private static final PipelineSpec.Output OUTPUT =
      Fixtures.spec("output: {formats: [openai, prompt_completion]}").output();

  private List<MatchResult.Metadata> files(String folder) throws IOException {
    return FileSystems.match(out.resolve(folder) + "/**").metadata().stream()
        .sorted(java.util.Comparator.comparing(file -> file.resourceId().toString()))
        .toList();
  }

  @Test
  void countsRecordsAndTokensPerSplitAndComparesWithStats() throws IOException {
    Files.createDirectories(out.resolve("openai"));
    Files.writeString(out.resolve("openai/train-00000-of-00002.jsonl"), LINE + LINE);
    Files.writeString(out.resolve("openai/train-00001-of-00002.jsonl"), LINE + "{\"messages\":1}\n");
    Files.writeString(out.resolve("openai/test-00000-of-00001.jsonl"), LINE);

    OutputValidation.FormatResult openai = OutputValidation.check(
        Formats.create("openai", OUTPUT), files("openai"), out.toString());
    OutputValidation.expect("openai", openai, 6);
    OutputValidation.FormatResult custom = OutputValidation.check(
        Formats.create("prompt_completion", OUTPUT), List.of(), out.toString());
    Map<String, OutputValidation.FormatResult> results = new LinkedHashMap<>();
    results.put("openai", openai);
    results.put("prompt_completion", custom);

    // "Hi" / "Hello": 3 + (3 + 1 + 1) + (3 + 1 + 1) = 13 tokens each in o200k_base; the broken
    // record is still a record (a JSON object), with no tokens counted.
    assertEquals(Map.of("test", 13L, "train", 39L), openai.tokensBySplit());
    assertEquals("{\n"
        + "  \"formats\" : {\n"
        + "    \"openai\" : {\n"
        + "      \"checked\" : true,\n"
        + "      \"files\" : 3,\n"
        + "      \"records\" : 5,\n"
        + "      \"bytes\" : " + (4 * LINE.length() + 15) + ",\n"
        + "      \"splits\" : {\n"
        + "        \"test\" : 1,\n"
        + "        \"train\" : 4\n"
        + "      },\n"
        + "      \"problems\" : 2,\n"
        + "      \"first_problems\" : [ \"openai/train-00001-of-00002.jsonl:2: 'messages' must be a"
        + " list of turns\", \"openai/:0: 5 records read back; the run wrote 6 (stats.json)\" ],\n"
        + "      \"warnings\" : [ \"openai/test-00000-of-00001.jsonl: 1 examples: OpenAI refuses a"
        + " training file with fewer than 10\", \"openai/train-00000-of-00002.jsonl: 2 examples:"
        + " OpenAI refuses a training file with fewer than 10\", \"openai/train-00001-of-00002.jsonl:"
        + " 2 examples: OpenAI refuses a training file with fewer than 10\" ]\n"
        + "    },\n"
        + "    \"prompt_completion\" : {\n"
        + "      \"checked\" : false,\n"
        + "      \"reason\" : \"trainset has no reader for the format 'prompt_completion'\"\n"
        + "    }\n"
        + "  }\n"
        + "}\n", OutputValidation.toJson(results));

    assertEquals("{\n"
        + "  \"tokenizer\" : \"o200k_base\",\n"
        + "  \"max_tokens\" : 65536,\n"
        + "  \"examples\" : 5,\n"
        + "  \"invalid\" : 2,\n"
        + "  \"splits\" : {\n"
        + "    \"test\" : {\n"
        + "      \"examples\" : 1,\n"
        + "      \"tokens\" : 13\n"
        + "    },\n"
        + "    \"train\" : {\n"
        + "      \"examples\" : 4,\n"
        + "      \"tokens\" : 39\n"
        + "    }\n"
        + "  },\n"
        + "  \"training_split\" : \"train\",\n"
        + "  \"billed_tokens_per_epoch\" : 39,\n"
        + "  \"default_epochs\" : 25,\n"
        + "  \"estimated_billed_tokens\" : 975\n"
        + "}\n", OpenaiMetadata.toJson(OUTPUT.openai(), openai, "train", 2));
  }

  @Test
  void defaultEpochsFollowTheCookbook() {
    assertEquals(0, OpenaiMetadata.defaultEpochs(0));
    assertEquals(25, OpenaiMetadata.defaultEpochs(3));
    assertEquals(10, OpenaiMetadata.defaultEpochs(10));
    assertEquals(3, OpenaiMetadata.defaultEpochs(34));
    assertEquals(3, OpenaiMetadata.defaultEpochs(8333));
    assertEquals(2, OpenaiMetadata.defaultEpochs(10000));
    assertEquals(1, OpenaiMetadata.defaultEpochs(100000));
  }
}
