package dev.trainset.read;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The event time of a streaming read, per Kafka partition: a record's own timestamp, so that a
 * replay after a restart puts every record in the window it was in before; and a watermark that
 * never makes a record late, so that no window ever drops one.
 *
 * <p>The partition's watermark trails the newest timestamp read by {@link #LATE_MARGIN}, and
 * moves to the wall clock less the margin while the partition has nothing left to read (so an
 * idle partition does not hold every window open). A record whose timestamp is behind the
 * watermark already, because it came later than the margin allows, is given the watermark as its
 * time: it is counted in the earliest window still open instead of being dropped, and its
 * window is then the one it arrived in, not the one of its timestamp.
 */
final class EventTime extends TimestampPolicy<byte[], byte[]> {
  /** How far behind the newest record of its partition a record may be and keep its time. */
  static final Duration LATE_MARGIN = Duration.standardSeconds(5);

  private Instant watermark;
  private Instant newest;

  EventTime(Optional<Instant> previousWatermark) {
    watermark = previousWatermark.orElse(new Instant(Long.MIN_VALUE / 2));
    newest = watermark.plus(LATE_MARGIN);
  }

  /** One policy per partition, resuming from the watermark a checkpoint kept. */
  static TimestampPolicyFactory<byte[], byte[]> perPartition() {
    return (TopicPartition partition, Optional<Instant> previous) -> new EventTime(previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext context, KafkaRecord<byte[], byte[]> record) {
    Instant time = new Instant(record.getTimestamp());
    if (time.isBefore(watermark)) {
      time = watermark;
    }
    if (time.isAfter(newest)) {
      newest = time;
      Instant trailing = newest.minus(LATE_MARGIN);
      if (trailing.isAfter(watermark)) {
        watermark = trailing;
      }
    }
    return time;
  }

  @Override
  public Instant getWatermark(PartitionContext context) {
    if (context.getMessageBacklog() == 0) {
      Instant idle = context.getBacklogCheckTime().minus(LATE_MARGIN);
      if (idle.isAfter(watermark)) {
        watermark = idle;
      }
    }
    return watermark;
  }
}
