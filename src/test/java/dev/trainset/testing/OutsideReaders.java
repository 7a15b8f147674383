package dev.trainset.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The readers nobody here wrote (DuckDB, pandas, HF datasets), run as processes by the ITs that
 * load trainset's output with them: whether one is installed, and what it printed as JSON.
 */
public final class OutsideReaders {
  private OutsideReaders() {}

  /** Whether {@code command} runs and exits 0 within a minute (a reader is installed). */
  public static boolean exitsZero(String... command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a reader script and gives the JSON it printed; fails on a timeout or an exit but 0. */
  public static JsonNode json(Duration timeout, String... command) throws Exception {
    File stdout = File.createTempFile("reader-out", ".json");
    File stderr = File.createTempFile("reader-err", ".txt");
    Process process = new ProcessBuilder(List.of(command))
        .redirectOutput(stdout).redirectError(stderr).start();
    assertEquals(true, process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
        "reader timed out: " + List.of(command));
    assertEquals(0, process.exitValue(), Files.readString(stderr.toPath()));
    return Json.MAPPER.readTree(stdout);
  }
}
