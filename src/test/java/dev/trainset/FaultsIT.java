package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed run costs nothing: the real jar runs a job, a second run into the same folder is
 * killed with SIGKILL while it writes, and a third runs the first job again. The first run's
 * output stays whole, {@code _SUCCESS} included, until the third publishes; the third removes
 * what the killed one left and writes the same bytes as the first, in another JVM.
 */
class FaultsIT {
  /** One format of each kind: JSON lines, Parquet, CSV, the HuggingFace folder, token ids. */
  private static final String FORMATS = "--formats=jsonl,chatml,parquet,csv,huggingface,tokens";

  @TempDir Path work;

  @Test
  void aRunKilledMidWayLeavesThePreviousOutputAndTheRerunIsByteIdentical() throws Exception {
    Path out = work.resolve("out");
    EndToEndIT.Run first = EndToEndIT.trainset("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + out, FORMATS);
    assertEquals(0, first.exit(), first.err());
    Map<String, byte[]> published = files(out);
    assertTrue(published.containsKey("_SUCCESS"));

    // A longer job into the same folder, killed once it has begun to write its staging folder.
    Process killed = launch("--pipeline=pipelines/quickstart.yaml", "--outputDir=" + out,
        "--input=" + manyRecords(work.resolve("many.jsonl"), 40_000), "--formats=jsonl");
    try {
      waitForStagedFile(out, killed);
    } finally {
      killed.destroyForcibly();
      assertTrue(killed.waitFor(1, TimeUnit.MINUTES));
    }
    assertEquals(137, killed.exitValue(), "killed with SIGKILL");
    assertFalse(staging(out).isEmpty(), "the killed run left its staging folder");
    assertSameFiles(published, files(out), "the previous output after the kill");

    EndToEndIT.Run rerun = EndToEndIT.trainset("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + out, FORMATS);
    assertEquals(0, rerun.exit(), rerun.err());
    assertEquals(List.of(), staging(out), "leftover staging folders");
    Map<String, byte[]> again = files(out);
    assertTrue(again.containsKey("_SUCCESS"));
    assertSameFiles(deterministic(published), deterministic(again), "the rerun");
  }

  /**
   * A disk that fills up midway fails the run, never the previous output: the output folder is a
   * small tmpfs (mounted here; the test is skipped where it cannot mount, e.g. not as root) that
   * holds the quickstart's output but not a second, larger run's. The larger run fails naming the
   * cause, and the quickstart's output is still there byte for byte, {@code _SUCCESS} included.
   */
  @Test
  void aFullDiskFailsTheRunAndKeepsThePreviousOutput() throws Exception {
    Path disk = work.resolve("disk");
    Files.createDirectories(disk);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs",
        disk.toString()).redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(mount.waitFor(1, TimeUnit.MINUTES) && mount.exitValue() == 0,
        "cannot mount a small tmpfs here (" + said.strip() + ")");
    try {
      Path out = disk.resolve("out");
      EndToEndIT.Run first = EndToEndIT.trainset("--pipeline=pipelines/quickstart.yaml",
          "--outputDir=" + out);
      assertEquals(0, first.exit(), first.err());
      Map<String, byte[]> published = files(out);
      assertTrue(published.containsKey("_SUCCESS"));

      EndToEndIT.Run full = EndToEndIT.trainset("--pipeline=pipelines/quickstart.yaml",
          "--outputDir=" + out, "--input=" + manyRecords(work.resolve("many.jsonl"), 20_000),
          "--formats=jsonl,chatml,alpaca");
      assertEquals(1, full.exit(), full.out() + full.err());
      assertTrue(full.err().contains("trainset: the pipeline failed: ")
          && full.err().contains("No space left on device"), full.err());
      assertSameFiles(published, files(out), "the previous output after the disk filled up");
    } finally {
      new ProcessBuilder("umount", disk.toString()).start().waitFor(1, TimeUnit.MINUTES);
    }
  }

  /**
   * What README promises is the same run after run: every file of the format folders but
   * {@code csv/combined.csv} (no fixed row order), and {@code _rejected}, {@code _validation}.
   * The reports hold the run's id, time and duration.
   */
  private static Map<String, byte[]> deterministic(Map<String, byte[]> files) {
    Map<String, byte[]> kept = new TreeMap<>(files);
    kept.keySet().removeIf(path -> path.startsWith("_report/") || path.equals("csv/combined.csv"));
    return kept;
  }

  private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual,
      String what) {
    assertEquals(expected.keySet(), actual.keySet(), what);
    for (Map.Entry<String, byte[]> file : expected.entrySet()) {
      assertArrayEquals(file.getValue(), actual.get(file.getKey()), what + ": " + file.getKey());
    }
  }

  /** Every file under {@code dir} but the staging folders, by path relative to it. */
  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path file : tree.filter(Files::isRegularFile).toList()) {
        String path = dir.relativize(file).toString();
        if (!path.startsWith(".staging-")) {
          files.put(path, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }

  private static List<String> staging(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(path -> path.getFileName().toString())
          .filter(name -> name.startsWith(".staging-")).toList();
    }
  }

  private static void waitForStagedFile(Path out, Process run) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      assertTrue(run.isAlive(), "the run ended before it was killed: give it more records");
      for (String folder : staging(out)) {
        try (Stream<Path> tree = Files.walk(out.resolve(folder))) {
          if (tree.anyMatch(Files::isRegularFile)) {
            return;
          }
        } catch (IOException e) {
          // The folder changed while it was listed: look again.
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no staged file within 3 minutes");
  }

  private static Process launch(String... args) throws IOException {
    String jar = System.getProperty("trainset.jar", "target/trainset.jar");
    List<String> command = new java.util.ArrayList<>(List.of("java", "-Xmx1g", "-jar", jar));
    command.addAll(List.of(args));
    File log = File.createTempFile("trainset-killed", ".txt");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  /** {@code count} distinct instruction records, enough for a run of some seconds. */
  private static Path manyRecords(Path file, int count) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < count; i++) {
        writer.write("{\"id\": \"r" + i + "\", \"instruction\": \"Explain step " + i
            + " of procedure " + (i % 97) + " in plain words.\", \"output\": \"Step " + i
            + " checks the valve, records reading " + (i * 7 % 1000) + " and closes it.\"}\n");
      }
    }
    return file;
  }
}
