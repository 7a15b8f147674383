package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainset validate}: hand-made files checked by the rules the run reads its output with. */
class ValidateCommandTest {
  @TempDir Path work;

  private static final String GOOD_LINE = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be"
      + " brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":"
      + "\"Hello\",\"weight\":1}]}\n";

  /** The exit status, stdout and stderr of one command line. */
  record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Trainset.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodOpenaiFileHasNoProblemsAndExitsZero() throws IOException {
    Path file = Files.writeString(work.resolve("good.jsonl"), GOOD_LINE.repeat(10));

    assertEquals(new Result(0,
        "trainset validate: openai: 1 files, 10 records, 0 problems, 0 warnings\n", ""),
        run("validate", "--format=openai", file.toString()));
  }

  @Test
  void anOpenaiFileOfFewerThanTenExamplesGetsAWarningNotAProblem() throws IOException {
    Path file = Files.writeString(work.resolve("small.jsonl"), GOOD_LINE.repeat(9));

    assertEquals(new Result(0, "warning: " + file + ": 9 examples: OpenAI refuses a training file"
        + " with fewer than 10\n"
        + "trainset validate: openai: 1 files, 9 records, 0 problems, 1 warnings\n", ""),
        run("validate", "--format=openai", file.toString()));
  }

  @Test
  void aBadOpenaiFileGetsOneLinePerProblemAndExitsOne() throws IOException {
    Path file = Files.writeString(work.resolve("bad.jsonl"), GOOD_LINE
        + "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\",\"weight\":1}]}\n"
        + "{\"prompt\":\"Hi\",\"completion\":\"Hello\"}\n");

    assertEquals(new Result(1,
        file + ":2: messages[0]: 'weight' is allowed on assistant turns only\n"
            + file + ":2: no assistant message: there is nothing to train on\n"
            + file + ":3: unknown key 'prompt'; allowed: functions, messages, parallel_tool_calls,"
            + " tools\n"
            + file + ":3: unknown key 'completion'; allowed: functions, messages,"
            + " parallel_tool_calls, tools\n"
            + file + ":3: 'messages' must be a list of turns\n"
            + "warning: " + file + ": 3 examples: OpenAI refuses a training file with fewer"
            + " than 10\n"
            + "trainset validate: openai: 1 files, 3 records, 5 problems, 1 warnings\n", ""),
        run("validate", "--format=openai", file.toString()));
  }

  @Test
  void aFolderIsEveryFileOfTheFormatInItCompressedOrNot() throws IOException {
    Path folder = Files.createDirectories(work.resolve("openai"));
    Files.writeString(folder.resolve("train-00000-of-00002.jsonl"), GOOD_LINE);
    try (OutputStream gz = new GZIPOutputStream(
        Files.newOutputStream(folder.resolve("train-00001-of-00002.jsonl.gz")))) {
      gz.write((GOOD_LINE + GOOD_LINE).getBytes(StandardCharsets.UTF_8));
    }
    // Not a data file of the format: left alone.
    Files.writeString(folder.resolve("metadata.json"), "{}");

    assertEquals(new Result(0, "warning: " + folder.resolve("train-00000-of-00002.jsonl")
        + ": 1 examples: OpenAI refuses a training file with fewer than 10\n"
        + "warning: " + folder.resolve("train-00001-of-00002.jsonl.gz")
        + ": 2 examples: OpenAI refuses a training file with fewer than 10\n"
        + "trainset validate: openai: 2 files, 3 records, 0 problems, 2 warnings\n", ""),
        run("validate", "--format=openai", folder.toString()));
  }

  @Test
  void settingsComeFromSet() throws IOException {
    Path file = Files.writeString(work.resolve("long.jsonl"), GOOD_LINE);

    // 3 + (3 + 1 + 3) + (3 + 1 + 1) + (3 + 1 + 1) = 20 tokens in o200k_base.
    assertEquals(new Result(1, file + ":1: 20 tokens (o200k_base) is more than the limit 19\n"
            + "warning: " + file + ": 1 examples: OpenAI refuses a training file with fewer"
            + " than 10\n"
            + "trainset validate: openai: 1 files, 1 records, 1 problems, 1 warnings\n", ""),
        run("validate", "--format=openai", "--set=output.openai.max_tokens=19", file.toString()));
  }

  @Test
  void badUsageExitsTwo() throws IOException {
    Path file = Files.writeString(work.resolve("x.jsonl"), GOOD_LINE);
    String usage = "usage: java -jar trainset.jar validate --format=FORMAT"
        + " [--set=output.KEY=VALUE] PATH...\n";

    assertEquals(new Result(2, "", "trainset: configuration error: validate: --format=F is"
        + " required\n" + usage), run("validate", file.toString()));
    assertEquals(new Result(2, "", "trainset: configuration error: validate: no PATH given\n"
        + usage), run("validate", "--format=openai"));
    assertEquals(new Result(2, "", "trainset: configuration error: validate: unknown option"
        + " '--strict'\n" + usage), run("validate", "--format=openai", "--strict", file.toString()));
    assertEquals(2, run("validate", "--format=csvx", file.toString()).exit());
    assertEquals(new Result(2, "", "trainset: configuration error: PATH: '" + work.resolve("none")
        + "' matches no file\n"), run("validate", "--format=openai", work.resolve("none").toString()));
    assertEquals(new Result(2, "", "trainset: configuration error: --format: value"
        + " 'prompt_completion' is not allowed; allowed: a format trainset can read back (this one"
        + " has no reader)\n"), run("validate", "--format=prompt_completion", file.toString()));
    assertEquals(new Result(2, "", "trainset: configuration error: --format: value 'csv' is not"
        + " allowed; allowed: a format trainset can read back (this one has no reader)\n"),
        run("validate", "--format=csv", file.toString()));
  }
}
