package dev.trainset.transforms;

import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import dev.trainset.report.LocalProgress;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Builds rejections and counts each one: a Beam counter {@code trainset.rejected/<stage>.<reason>}
 * and the progress line's running total.
 */
final class Rejections {
  static final String NAMESPACE = "trainset.rejected";

  private Rejections() {}

  static Rejected of(Document document, String stage, String reason, String detail) {
    return counted(Rejected.of(document, stage, reason, detail));
  }

  static Rejected counted(Rejected rejected) {
    Metrics.counter(NAMESPACE, rejected.stage() + "." + rejected.reason()).inc();
    LocalProgress.rejected();
    return rejected;
  }
}
