package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each class of configuration mistake stops the run with exit 2 and a message naming the key. */
class TrainsetCliTest {
  @TempDir Path work;

  private String errorOf(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Trainset.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, exit, "exit status; stderr: " + err);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  private String quickstart(String... more) {
    String[] args = new String[more.length + 2];
    args[0] = "--pipeline=pipelines/quickstart.yaml";
    args[1] = "--outputDir=" + work.resolve("out");
    System.arraycopy(more, 0, args, 2, more.length);
    String message = errorOf(args);
    assertEquals(false, Files.exists(work.resolve("out")), "nothing may be written");
    return message;
  }

  @Test
  void unknownKey() {
    assertEquals("trainset: configuration error: quality.min_charz: unknown key; allowed keys"
        + " under 'quality': [dedup, dedup_ttl, heuristics, max_chars, max_tokens, min_chars,"
        + " min_score, near_threshold, score_field, signals, skip_empty_output, tiers,"
        + " tokenizer]",
        quickstart("--set=quality.min_charz=3"));
  }

  @Test
  void unknownTopLevelKeyInTheFile() throws IOException {
    Path file = work.resolve("typo.yaml");
    Files.writeString(file, "name: typo\ninput: {paths: [pipelines/samples/quickstart.jsonl]}\n"
        + "filter: {min_chars: 3}\n");
    assertEquals("trainset: configuration error: filter: unknown key; allowed keys: [fields,"
        + " input, name, output, quality, segment, split, weights]",
        errorOf("--pipeline=" + file));
  }

  @Test
  void wrongType() {
    assertEquals("trainset: configuration error: quality.min_chars: value 'abc' is not allowed;"
        + " expected a whole number", quickstart("--set=quality.min_chars=abc"));
  }

  @Test
  void ratiosThatDoNotSumToOne() {
    assertEquals("trainset: configuration error: split.ratios: value {train=0.8, test=0.1} sums"
        + " to 0.9; allowed: ratios that sum to 1",
        quickstart("--set=split.ratios={train: 0.8, test: 0.1}"));
  }

  @Test
  void valueOutsideWhatTheKeyAllows() {
    assertEquals("trainset: configuration error: fields.style: value 'dialog' is not allowed;"
        + " allowed: instruction, chat, text", quickstart("--set=fields.style=dialog"));
  }

  @Test
  void missingInput() throws IOException {
    Path file = work.resolve("noinput.yaml");
    Files.writeString(file, "name: x\n");
    assertEquals("trainset: configuration error: input.paths: no input given; list file globs"
        + " under input.paths, pass --input=GLOB or read a Kafka topic with input.kafka",
        errorOf("--pipeline=" + file));
  }

  @Test
  void inputThatMatchesNoFile() {
    // A relative glob is resolved against the working directory, as the workers will see it.
    String absolute = java.nio.file.Paths.get("does/not/exist/*.jsonl").toAbsolutePath().toString();
    assertEquals("trainset: configuration error: input.paths: '" + absolute + "' matches no file",
        quickstart("--input=does/not/exist/*.jsonl"));
  }

  @Test
  void unreadablePipelineFile() {
    assertEquals("trainset: configuration error: --pipeline: cannot read 'nope.yaml': File spec"
        + " nope.yaml not found", errorOf("--pipeline=nope.yaml"));
  }

  @Test
  void unknownCommandLineOption() {
    assertEquals("trainset: configuration error: command line: Class interface"
        + " dev.trainset.TrainsetOptions missing a property named 'bogus'.",
        quickstart("--bogus=1"));
  }

  @Test
  void helpPrintsTheUsageAndExitsZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Trainset.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, exit);
    assertEquals("usage: java -jar trainset.jar --pipeline=FILE [overrides] [Beam options]",
        out.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
  }

  /**
   * An output directory the run cannot write is refused before any data is read: under a file,
   * on a read-only file system, or a folder without write permission holding a previous run,
   * which is left as it was.
   */
  @Test
  void anOutputDirectoryThatCannotBeWritten() throws IOException {
    Path file = Files.writeString(work.resolve("file"), "");
    String underFile = file.resolve("out").toString();
    assertCannotWrite(underFile, errorOf("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + underFile));
    assertEquals("", Files.readString(file));

    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here");
    String readOnly = "/proc/self/trainset-out";
    assertCannotWrite(readOnly, errorOf("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + readOnly));

    // Permissions stop everyone but root, who writes anyway.
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "running as root, which may write into a folder without write permission");
    Path previous = Files.createDirectories(work.resolve("previous"));
    Files.writeString(previous.resolve("_SUCCESS"), "");
    previous.toFile().setWritable(false);
    try {
      assertCannotWrite(previous.toString(), errorOf("--pipeline=pipelines/quickstart.yaml",
          "--outputDir=" + previous));
      try (java.util.stream.Stream<Path> left = Files.list(previous)) {
        assertEquals(List.of(previous.resolve("_SUCCESS")), left.toList());
      }
    } finally {
      previous.toFile().setWritable(true);
    }
  }

  private static void assertCannotWrite(String dir, String message) {
    String start = "trainset: configuration error: output.dir: cannot write to '" + dir + "': ";
    assertTrue(message.startsWith(start), message);
    assertTrue(message.endsWith("; give a directory this process can create and write"
        + " (--outputDir=DIR)"), message);
  }
}
