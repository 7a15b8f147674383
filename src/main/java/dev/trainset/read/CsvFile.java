package dev.trainset.read;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainset.model.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV with a header row (RFC 4180): one record per row, every value text. Rows are cut as
 * bytes first ({@link Lines#csvRows}), so a row over {@code input.max_record_bytes} is passed over
 * without being held, and one that is not UTF-8 is refused before it is parsed; each row is then
 * parsed on its own, so a bad row costs only itself.
 */
final class CsvFile {
  private static final CsvMapper CSV = new CsvMapper();
  private static final ObjectReader HEADER =
      CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY);

  private CsvFile() {}

  static void read(InputStream in, RecordEmitter emit) throws Unreadable {
    Lines rows = Lines.csvRows(in, emit.maxRecordBytes());
    ObjectReader reader = null;
    // Rows are numbered from 1 after the header, blank lines not counted: a quoted value may
    // span lines, so a line number would not say where a row is.
    long row = 0;
    Lines.Line line;
    while ((line = rows.next()) != null) {
      if (line.length() == 0) {
        continue;
      }
      if (reader == null) {
        reader = header(line, emit);
        if (reader == null) {
          return;
        }
        continue;
      }
      row++;
      String where = String.valueOf(row);
      String described = "row " + row;
      String text = emit.text(line, where, described, "row");
      if (text == null) {
        continue;
      }
      Map<String, String> values;
      try (MappingIterator<Map<String, String>> parsed = reader.readValues(text)) {
        values = parsed.nextValue();
      } catch (IOException | RuntimeException e) {
        emit.reject(emit.path() + ":" + row, Reason.PARSE_ERROR,
            "CSV row " + row + ": " + firstLine(e.getMessage()), null);
        continue;
      }
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      values.forEach(record::put);
      emit.record(record, where, described, null);
    }
  }

  /**
   * The reader of the rows under the header {@code line}, or null when the header cannot be read:
   * then the file is one rejection, as no row can be read without it.
   */
  private static @Nullable ObjectReader header(Lines.Line line, RecordEmitter emit) {
    String problem;
    Reason reason = Reason.PARSE_ERROR;
    Lines.Decoded text = Lines.decode(line.bytes());
    if (line.tooLarge()) {
      reason = Reason.TOO_LARGE;
      problem = "is " + line.length() + " bytes, over input.max_record_bytes ("
          + emit.maxRecordBytes() + ")";
    } else if (text.badByte() >= 0) {
      reason = Reason.BAD_ENCODING;
      problem = "is not valid UTF-8 at byte " + text.badByte() + ": "
          + Lines.hex(line.bytes(), text.badByte(), 3);
    } else {
      try (MappingIterator<String[]> parsed = HEADER.readValues(text.text())) {
        CsvSchema.Builder columns = CsvSchema.builder();
        for (String name : parsed.nextValue()) {
          columns.addColumn(name);
        }
        return CSV.readerForMapOf(String.class)
            .with(columns.build())
            .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS);
      } catch (IOException | RuntimeException e) {
        problem = "does not parse: " + firstLine(e.getMessage());
      }
    }
    emit.reject(emit.path(), reason, "the header row " + problem + "; no row of the file was read",
        null);
    return null;
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unreadable row";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
