package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for the Kafka ITs, started and stopped with runners/kafka-broker.sh, each
 * test class with its own state folder and ports so that they never meet.
 */
final class LocalKafka {
  private final Path state;
  private final String portBase;

  LocalKafka(Path state, String portBase) {
    this.state = state.toAbsolutePath();
    this.portBase = portBase;
  }

  /** Starts the broker; gives its {@code bootstrap_servers}, the script's last line. */
  String start() throws IOException, InterruptedException {
    String out = run("start").strip();
    String last = out.substring(out.lastIndexOf('\n') + 1);
    assertTrue(last.startsWith("bootstrap_servers=127.0.0.1:"), out);
    return last.substring("bootstrap_servers=".length());
  }

  void stop() throws IOException, InterruptedException {
    run("stop");
  }

  private String run(String command) throws IOException, InterruptedException {
    ProcessBuilder script = new ProcessBuilder("runners/kafka-broker.sh", command)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    script.environment().put("KAFKA_BROKER_DIR", state.toString());
    script.environment().put("KAFKA_PORT_BASE", portBase);
    Process process = script.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("kafka-broker.sh " + command + " did not finish in 3 minutes");
    }
    assertEquals(0, process.exitValue(), "kafka-broker.sh " + command + ": " + out);
    return out;
  }
}
