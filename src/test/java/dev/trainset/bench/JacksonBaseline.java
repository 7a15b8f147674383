package dev.trainset.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for {@code runners/bench.sh}: one thread, no framework. {@code JacksonBaseline INPUT
 * OUTPUT} reads JSON lines, maps each record's instruction, input and output to a chat example
 * {@code {"messages":[{"role":"user",...},{"role":"assistant",...}]}} and writes JSON lines.
 *
 * <p>Lines that do not parse, are not objects, or lack an instruction or a non-empty output are
 * skipped and counted; there is no dedup, weighting or splitting. It prints one line of counts.
 */
public final class JacksonBaseline {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private JacksonBaseline() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JacksonBaseline INPUT.jsonl OUTPUT.jsonl");
      System.exit(2);
    }
    long start = System.nanoTime();
    long read = 0;
    long written = 0;
    long skipped = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
            Files.newInputStream(Path.of(args[0])), StandardCharsets.UTF_8), 1 << 16);
        Writer out = new BufferedWriter(new OutputStreamWriter(
            Files.newOutputStream(Path.of(args[1])), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        read++;
        ObjectNode example = toChat(line);
        if (example == null) {
          skipped++;
          continue;
        }
        out.write(JSON.writeValueAsString(example));
        out.write('\n');
        written++;
      }
    }
    System.out.printf("baseline: records_read=%d written=%d skipped=%d in %.2f s%n",
        read, written, skipped, (System.nanoTime() - start) / 1e9);
  }

  /** The chat example for one line, or null when the line holds no usable record. */
  private static ObjectNode toChat(String line) {
    JsonNode record;
    try {
      record = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (!record.isObject()) {
      return null;
    }
    JsonNode instruction = record.get("instruction");
    JsonNode output = record.get("output");
    if (instruction == null || !instruction.isTextual()
        || output == null || !output.isTextual() || output.asText().isEmpty()) {
      return null;
    }
    String user = instruction.asText();
    JsonNode input = record.get("input");
    if (input != null && input.isTextual() && !input.asText().isEmpty()) {
      user = user + "\n\n" + input.asText();
    }
    ObjectNode example = JSON.createObjectNode();
    ArrayNode messages = example.putArray("messages");
    messages.addObject().put("role", "user").put("content", user);
    messages.addObject().put("role", "assistant").put("content", output.asText());
    return example;
  }
}
