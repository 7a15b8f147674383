package dev.trainset.transforms;

import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import org.apache.beam.sdk.metrics.Metrics;

/** Builds rejections and counts each one under {@code trainset.rejected/<stage>.<reason>}. */
final class Rejections {
  static final String NAMESPACE = "trainset.rejected";

  private Rejections() {}

  static Rejected of(Document document, String stage, String reason, String detail) {
    Metrics.counter(NAMESPACE, stage + "." + reason).inc();
    return Rejected.of(document, stage, reason, detail);
  }

  static Rejected counted(Rejected rejected) {
    Metrics.counter(NAMESPACE, rejected.stage() + "." + rejected.reason()).inc();
    return rejected;
  }
}
