package dev.trainset.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.beam.sdk.metrics.Metrics;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How a stage refuses a record: builds the {@link Rejected} from the {@link Reason} catalog and
 * counts it, as a Beam counter {@code trainset.rejected/<stage>.<reason>} and in the progress
 * line's running total.
 */
public final class Rejections {
  public static final String NAMESPACE = "trainset.rejected";

  private Rejections() {}

  /** A refusal of a document that had been read. */
  public static Rejected of(Document document, Stage stage, Reason reason, String detail) {
    return of(document.id(), stage, reason, detail, document.fields());
  }

  /**
   * A refusal under an id of its own: a place in a file for a record that was never read, a
   * segment's id for a block of a document.
   */
  public static Rejected of(
      String id, Stage stage, Reason reason, String detail, @Nullable JsonNode original) {
    if (!reason.isGivenBy(stage)) {
      // A pair the catalog does not list would reach the output undocumented: a bug, not data.
      throw new IllegalArgumentException(
          "stage " + stage.label() + " cannot refuse " + reason.label() + "; see Reason");
    }
    Rejected rejected = new Rejected(id, stage.label(), reason.label(), detail, original);
    Metrics.counter(NAMESPACE, rejected.stage() + "." + rejected.reason()).inc();
    LocalProgress.rejected();
    return rejected;
  }
}
