package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one dead-letter envelope of the graph: a record some stage refused, and why. Stages build
 * it through {@link Rejections}, which takes the stage and the reason from the catalog.
 *
 * @param id the record's id (for an unreadable file, its path)
 * @param stage the stage that refused it, a {@link Stage}'s label: {@code read}, {@code quality},
 *     ...
 * @param reason why, a {@link Reason}'s label: {@code duplicate}, {@code too_short}, ...
 * @param detail what exactly was wrong, for a person
 * @param original the record as read (a JSON string for a line that did not parse); null for
 *     an unreadable file
 */
@DefaultCoder(RejectedCoder.class)
public record Rejected(
    String id, String stage, String reason, String detail, @Nullable JsonNode original) {

  /** The tag of the rejected side output, shared by every stage. */
  public static final TupleTag<Rejected> TAG = new TupleTag<Rejected>("rejected") {};

  /** The folder of a run's output that holds its rejected records. */
  public static final String FOLDER = "_rejected";

  public Rejected {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** A refusal of a document that had been read. */
  public static Rejected of(Document document, String stage, String reason, String detail) {
    return new Rejected(document.id(), stage, reason, detail, document.fields());
  }

  /** The JSON line written to {@code _rejected/}. */
  public String toJson() {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("id", id);
    line.put("stage", stage);
    line.put("reason", reason);
    line.put("detail", detail);
    line.set("record", original == null ? line.nullNode() : original);
    return Json.write(line);
  }
}
