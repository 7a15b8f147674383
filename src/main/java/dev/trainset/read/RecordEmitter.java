package dev.trainset.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Document;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Hashes;
import dev.trainset.model.Json;
import dev.trainset.model.LocalProgress;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.Rejections;
import dev.trainset.model.Stage;
import java.util.Locale;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Passes one file's parsed values on, as documents or as rejections with {@code stage=read}; the
 * format readers ({@link JsonLinesFile}, {@link JsonFile}, {@link CsvFile}) hand it what they
 * parse.
 */
final class RecordEmitter {
  private final String path;
  private final String idField;
  private final DoFn.MultiOutputReceiver out;
  private final Counter documentsRead;
  private long count;

  RecordEmitter(String path, String idField, DoFn.MultiOutputReceiver out, Counter documentsRead) {
    this.path = path;
    this.idField = idField;
    this.out = out;
    this.documentsRead = documentsRead;
  }

  /** The file's path, the start of every origin and of every rejection id but a whole file's. */
  String path() {
    return path;
  }

  /** How many records of the file were passed on so far, documents and rejections. */
  long count() {
    return count;
  }

  /** A parsed value at {@code where} (what follows "file:" in its origin). */
  void json(JsonNode value, String where, String described) {
    if (!value.isObject()) {
      reject(path + ":" + where, Reason.NOT_AN_OBJECT,
          described + " holds " + value.getNodeType().name().toLowerCase(Locale.ROOT)
              + ", not a JSON object",
          value);
      return;
    }
    record((ObjectNode) value, where);
  }

  void record(ObjectNode record, String where) {
    count++;
    documentsRead.inc();
    LocalProgress.read();
    out.get(ReadDocuments.DOCUMENTS)
        .output(Document.read(idOf(record), path + ":" + where, record));
  }

  void reject(String id, Reason reason, String detail, @Nullable JsonNode original) {
    count++;
    LocalProgress.read();
    out.get(Rejected.TAG).output(Rejections.of(id, Stage.READ, reason, detail, original));
  }

  /** The id field's value when it is text or a number; else a stable hash of the content. */
  private String idOf(ObjectNode record) {
    String id = FieldPath.text(record, idField);
    return id != null && !id.isEmpty() ? id : Hashes.sha256Hex(Json.write(record), 16);
  }
}
