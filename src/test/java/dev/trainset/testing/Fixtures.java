package dev.trainset.testing;

import dev.trainset.Plugins;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.model.Document;
import dev.trainset.model.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.rules.TemporaryFolder;

/** Small builders the tests share: specs from YAML snippets, documents from JSON text. */
public final class Fixtures {
  private static final Pattern TOP_LEVEL_INPUT = Pattern.compile("(?m)^input:");

  private Fixtures() {}

  /**
   * A spec from a pipeline-file snippet, through the real loader; {@code input.paths} is filled
   * in when the snippet has none, since the loader insists on an input.
   */
  public static PipelineSpec spec(String yaml) {
    // A top-level key only: "include_empty_input:" inside output must not count as one.
    String withInput =
        TOP_LEVEL_INPUT.matcher(yaml).find() ? yaml : yaml + "\ninput: {paths: [unused.jsonl]}\n";
    return SpecLoader.load(withInput, SpecLoader.Overrides.NONE, Plugins.INSTANCE);
  }

  /** A file of {@code folder} named {@code name} holding {@code text} (UTF-8). */
  public static File write(TemporaryFolder folder, String name, String text) throws IOException {
    File file = folder.newFile(name);
    Files.writeString(file.toPath(), text, StandardCharsets.UTF_8);
    return file;
  }

  /** The spec of reading {@code files}, with more {@code input} keys ({@code ", format: csv"}). */
  public static PipelineSpec reading(String settings, File... files) {
    StringBuilder paths = new StringBuilder();
    for (File file : files) {
      paths.append(paths.length() == 0 ? "" : ", ").append("'").append(file.getPath()).append("'");
    }
    return spec("input: {paths: [" + paths + "]" + settings + "}");
  }

  /** A freshly read document with origin {@code test:<line>}. */
  public static Document doc(String id, int line, String json) {
    return Document.read(id, "test:" + line, object(json));
  }

  /** A freshly read document with origin {@code test:1}. */
  public static Document doc(String id, String json) {
    return doc(id, 1, json);
  }

  public static ObjectNode object(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
