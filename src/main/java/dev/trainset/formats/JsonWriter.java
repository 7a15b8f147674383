package dev.trainset.formats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import dev.trainset.model.Message;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Writes one JSON object with Jackson's streaming generator: the formats' common path. */
final class JsonWriter {
  /** What a format writes into the open object. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private JsonWriter() {}

  static String object(Body body) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(text)) {
      json.writeStartObject();
      body.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** {@code "name": [{"role": ..., "content": ...}, ...]}. */
  static void messages(JsonGenerator json, String name, List<Message> messages) throws IOException {
    json.writeArrayFieldStart(name);
    for (Message message : messages) {
      json.writeStartObject();
      json.writeStringField("role", message.role());
      json.writeStringField("content", message.content());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** {@code "metadata": {...}} in the example's key order. */
  static void metadata(JsonGenerator json, Map<String, JsonNode> metadata) throws IOException {
    json.writeObjectFieldStart("metadata");
    for (Map.Entry<String, JsonNode> entry : metadata.entrySet()) {
      json.writeFieldName(entry.getKey());
      json.writeTree(entry.getValue());
    }
    json.writeEndObject();
  }
}
