package dev.trainset.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Message;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code csv}: a header row, then one row per example, RFC 4180 (Jackson CSV: comma separated,
 * CRLF line ends, a cell with a comma, quote or line break in double quotes). The columns are
 * {@link ExampleTable}'s, so every file has the same ones: {@code id, split, weight, system}, the
 * style's fields, and with {@code flatten} one {@code metadata.<key>} column per metadata key
 * (dotted as the key is: {@code metadata.state.reward}); without it one {@code metadata} column
 * of JSON. A chat's {@code messages} cell is a JSON array of {@code {role, content}}; a list in
 * metadata is JSON.
 *
 * <p>{@code neutralize_formulas} puts a {@code '} before a text cell that starts with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return, so that a spreadsheet shows it
 * instead of running it (OWASP "CSV injection"). Off by default: it changes the text, and most
 * readers of these files are programs.
 */
public final class CsvFormat implements OutputFormat {
  static final String NAME = "csv";
  static final String LINE_END = "\r\n";

  private final ExampleTable table;
  private final boolean flatten;
  private final boolean neutralizeFormulas;
  private transient @Nullable ObjectWriter rows;

  private CsvFormat(PipelineSpec.Csv csv, ExampleTable table) {
    this.table = table;
    this.flatten = csv.flatten();
    this.neutralizeFormulas = csv.neutralizeFormulas();
  }

  /** The csv format of {@code output.csv} over {@code table}'s columns. */
  public static CsvFormat of(PipelineSpec.Output output, ExampleTable table) {
    return new CsvFormat(output.csv(), table);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".csv";
  }

  /** The header, in column order. */
  public List<String> columns() {
    List<String> columns = new ArrayList<>(List.of("id", "split", "weight"));
    table.textColumns().forEach(column -> columns.add(column.name()));
    if (flatten) {
      table.metadataKeys().forEach(key -> columns.add("metadata." + key));
    } else {
      columns.add("metadata");
    }
    return columns;
  }

  /**
   * {@code data_dictionary.md}: each column with its type and meaning, and how the files are
   * written; from the pipeline file alone, like the columns.
   */
  public String dataDictionary(String name) {
    StringBuilder doc = new StringBuilder("# Data dictionary: ").append(name).append("\n\n")
        .append("`<split>-SSSSS-of-NNNNN.csv` hold one split each; `combined.csv` holds every split"
            + " (the `split` column tells them apart). Every file has the same columns and a header"
            + " row. UTF-8, comma separated, CRLF line ends, RFC 4180 quoting: a cell with a comma,"
            + " a double quote or a line break is in double quotes, a quote doubled. An empty cell"
            + " is an absent value.")
        .append(neutralizeFormulas
            ? " A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return has a `'`"
                + " put before it (output.csv.neutralize_formulas), so spreadsheets show it as"
                + " text.\n\n"
            : " Text is written as it is (output.csv.neutralize_formulas: false): a cell starting"
                + " with `=` may run as a formula when opened in a spreadsheet.\n\n")
        .append("| column | type | meaning |\n|---|---|---|\n");
    row(doc, "id", "text", "the example's id: the record's input.id_field, else a hash of it");
    row(doc, "split", "text", "the split the example belongs to");
    row(doc, "weight", "number", "the example's training weight (weights)");
    for (ExampleTable.Column column : table.textColumns()) {
      row(doc, column.name(), column.name().equals("messages")
          ? "JSON array of {\"role\", \"content\"}" : column.type(), column.meaning());
    }
    if (flatten) {
      for (String key : table.metadataKeys()) {
        ExampleTable.Column column = table.metadataColumn(key);
        row(doc, "metadata." + key, column.type().equals("as in the record")
            ? "as in the record: text, number or true/false; a list as JSON" : column.type(),
            column.meaning());
      }
    } else {
      row(doc, "metadata", "JSON object", "the example's metadata: "
          + String.join(", ", table.metadataKeys()));
    }
    return doc.toString();
  }

  private static void row(StringBuilder doc, String column, String type, String meaning) {
    doc.append("| `").append(column).append("` | ").append(type.replace("|", "\\|")).append(" | ")
        .append(meaning.replace("|", "\\|")).append(" |\n");
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    String problem = table.unrepresentable(example);
    if (problem != null || !flatten) {
      return problem;
    }
    for (Map.Entry<String, JsonNode> entry : example.metadata().entrySet()) {
      if (entry.getValue().isObject()) {
        return "metadata '" + entry.getKey() + "' is an object, and columns are fixed before the"
            + " data is read: name its leaves in fields.metadata (" + entry.getKey() + ".x)";
      }
    }
    return null;
  }

  @Override
  public String encode(Example example) {
    List<String> cells = new ArrayList<>();
    cells.add(text(example.id()));
    cells.add(text(example.split()));
    cells.add(Double.toString(example.weight()));
    cells.add(text(example.system()));
    switch (example.style()) {
      case INSTRUCTION -> {
        cells.add(text(example.instruction()));
        cells.add(text(example.input()));
        cells.add(text(example.output()));
      }
      case CHAT -> {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        for (Message message : example.messages()) {
          messages.addObject().put("role", message.role()).put("content", message.content());
        }
        cells.add(text(Json.write(messages)));
      }
      case TEXT -> cells.add(text(example.text()));
    }
    if (flatten) {
      for (String key : table.metadataKeys()) {
        cells.add(cell(example.metadata().get(key)));
      }
    } else {
      cells.add(text(Json.write(Json.MAPPER.valueToTree(example.metadata()))));
    }
    return row(cells);
  }

  @Override
  public String open() {
    return row(columns()) + LINE_END;
  }

  @Override
  public String after() {
    return LINE_END;
  }

  /** A metadata value: a number or boolean as written, text as is, a list as JSON. */
  private String cell(@Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asText();
    }
    return text(value.isTextual() ? value.asText() : Json.write(value));
  }

  private String text(@Nullable String value) {
    if (value == null) {
      return "";
    }
    if (neutralizeFormulas && !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
      return "'" + value;
    }
    return value;
  }

  private String row(List<String> cells) {
    if (rows == null) {
      CsvSchema schema = CsvSchema.emptySchema().withLineSeparator(LINE_END);
      // Jackson's default quoting: STRICT_CHECK_FOR_QUOTING left a line break unquoted (pandas
      // read the row as two in TabularReadersIT).
      rows = new CsvMapper().writerFor(String[].class).with(schema);
    }
    try {
      String line = rows.writeValueAsString(cells.toArray(String[]::new));
      return line.substring(0, line.length() - LINE_END.length());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
