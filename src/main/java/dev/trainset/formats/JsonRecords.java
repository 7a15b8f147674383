package dev.trainset.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trainset.model.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The two ways a JSON format lays records in a file, as {@link FileCheck}s: one object per line
 * (JSON lines) or one array of objects. Each record is parsed strictly (no trailing content, no key
 * written twice) and handed to the format's {@link Rule}.
 */
final class JsonRecords {
  /** What one format requires of one record. */
  @FunctionalInterface
  interface Rule {
    /** Reports each way {@code record} breaks the format; returns its tokens (0: not counted). */
    long check(JsonNode record, Consumer<String> problem);
  }

  private static final ObjectReader STRICT =
      Json.MAPPER.reader()
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonRecords() {}

  /** What a format requires of one parsed line, for formats that count records their own way. */
  @FunctionalInterface
  interface LineRule {
    void check(JsonNode value, long number, ReadBack readBack);
  }

  /** One JSON object per line; a blank line is a problem (trainers count it as a bad record). */
  static FileCheck lines(Rule rule) {
    return parsedLines((record, number, readBack) -> checkRecord(record, number, rule, readBack));
  }

  /**
   * One JSON value per line, parsed strictly and handed to {@code rule}, which tells {@code
   * readBack} what records the line holds; a blank or unparsable line is a problem.
   */
  static FileCheck parsedLines(LineRule rule) {
    return (file, readBack) -> Utf8Lines.read(file, readBack, (number, line, terminated) -> {
      if (line.isBlank()) {
        readBack.problem(number, "a blank line where a JSON object belongs");
        return;
      }
      JsonNode record;
      try {
        record = STRICT.readTree(line);
      } catch (JsonProcessingException e) {
        readBack.problem(number, notJson(e));
        return;
      }
      rule.check(record, number, readBack);
    });
  }

  /** One JSON array of objects per file. */
  static FileCheck array(Rule rule) {
    return (file, readBack) -> {
      InputStream in = new BufferedInputStream(file);
      in.mark(3);
      byte[] start = in.readNBytes(3);
      in.reset();
      if (start.length == 3 && (start[0] & 0xFF) == 0xEF && (start[1] & 0xFF) == 0xBB
          && (start[2] & 0xFF) == 0xBF) {
        readBack.problem(1, "starts with a byte order mark; UTF-8 files here carry none");
      }
      try (JsonParser parser = Json.MAPPER.createParser(in)) {
        parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          readBack.problem(line(parser), "the file is not one JSON array");
          return;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          long number = line(parser);
          checkRecord(Json.MAPPER.readTree(parser), number, rule, readBack);
        }
        if (parser.nextToken() != null) {
          readBack.problem(line(parser), "content after the end of the array");
        }
      } catch (JsonProcessingException e) {
        long number = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
        readBack.problem(number, notJson(e));
      }
    };
  }

  private static void checkRecord(JsonNode record, long number, Rule rule, ReadBack readBack) {
    if (record == null || !record.isObject()) {
      readBack.problem(number, "a record must be a JSON object");
      return;
    }
    long tokens = rule.check(record, what -> readBack.problem(number, what));
    record.fieldNames().forEachRemaining(readBack::key);
    readBack.record(tokens);
  }

  /** Jackson's message without the location it appends (the line is reported on its own). */
  private static String notJson(JsonProcessingException e) {
    return "not valid JSON: "
        + e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*\\]\\)", "");
  }

  private static long line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }
}
