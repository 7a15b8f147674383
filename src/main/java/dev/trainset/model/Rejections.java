package dev.trainset.model;

import org.apache.beam.sdk.metrics.Metrics;

/**
 * Builds rejections and counts each one: a Beam counter {@code trainset.rejected/<stage>.<reason>}
 * and the progress line's running total.
 */
public final class Rejections {
  public static final String NAMESPACE = "trainset.rejected";

  private Rejections() {}

  public static Rejected of(Document document, String stage, String reason, String detail) {
    return counted(Rejected.of(document, stage, reason, detail));
  }

  public static Rejected counted(Rejected rejected) {
    Metrics.counter(NAMESPACE, rejected.stage() + "." + rejected.reason()).inc();
    LocalProgress.rejected();
    return rejected;
  }
}
