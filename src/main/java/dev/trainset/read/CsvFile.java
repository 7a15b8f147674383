package dev.trainset.read;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainset.model.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Reads CSV with a header row (RFC 4180): one record per row, every value text. */
final class CsvFile {
  private static final CsvMapper CSV = new CsvMapper();

  private CsvFile() {}

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    PushbackInputStream peek = new PushbackInputStream(in, 1);
    try {
      int first = peek.read();
      if (first == -1) {
        return;
      }
      peek.unread(first);
    } catch (IOException e) {
      throw new Unreadable(e);
    }
    Reader reader = new InputStreamReader(peek, StandardCharsets.UTF_8);
    CsvSchema header = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> rows =
        CSV.readerForMapOf(String.class)
            .with(header)
            .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
            .readValues(reader)) {
      // CSV rows are numbered (1 = the first row after the header), not lines: a quoted
      // value may span lines, and the parser's line count does not say where a row began.
      long row = 0;
      JsonLocation lastError = null;
      while (true) {
        Map<String, String> values;
        try {
          if (!rows.hasNextValue()) {
            return;
          }
          row++;
          values = rows.nextValue();
        } catch (RuntimeException | IOException e) {
          JsonLocation at = rows.getCurrentLocation();
          if (at != null && at.equals(lastError)) {
            // The parser cannot move past this point: stop instead of looping.
            emit.reject(emit.path() + ":" + row, Reason.PARSE_ERROR,
                "the CSV cannot be read past row " + row + ": " + firstLine(e.getMessage()),
                null);
            return;
          }
          lastError = at;
          emit.reject(emit.path() + ":" + row, Reason.PARSE_ERROR,
              "CSV row " + row + ": " + firstLine(e.getMessage()), null);
          continue;
        }
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        values.forEach(record::put);
        emit.record(record, String.valueOf(row), "CSV row " + row, null);
      }
    } catch (IOException e) {
      throw new Unreadable(e);
    }
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unreadable row";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
