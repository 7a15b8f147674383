package dev.trainset.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.model.Document;
import dev.trainset.model.Json;
import java.io.UncheckedIOException;

/** Small builders the tests share: specs from YAML snippets, documents from JSON text. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * A spec from a pipeline-file snippet, through the real loader; {@code input.paths} is filled
   * in when the snippet has none, since the loader insists on an input.
   */
  public static PipelineSpec spec(String yaml) {
    String withInput =
        yaml.matches("(?s)(.*\\n)?input:.*") ? yaml : yaml + "\ninput: {paths: [unused.jsonl]}\n";
    return SpecLoader.load(withInput, SpecLoader.Overrides.NONE);
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
