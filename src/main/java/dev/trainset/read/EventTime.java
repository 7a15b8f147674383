package dev.trainset.read;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 *
 * <p>A partition's watermark never goes back for the readers of one consumer group in one JVM.
 * A restored Flink job may read a partition with two readers (Beam issues #31313, #34890): the
 * restored one, resuming from its checkpoint's watermark, and a second one from the group's
 * committed offsets, which would start from nothing. The source's watermark has then already
 * passed the old timestamps the second reader finds, and every window after the read would drop
 * those records silently, after they were counted as read. The second reader starts from the
 * highest watermark any reader of its partition reported instead: its copies land in windows
 * still open and are refused there as duplicates, counted like any other.
 */
final class EventTime extends TimestampPolicy<byte[], byte[]> {
  /** How far behind the newest record of its partition a record may be and keep its time. */
  static final Duration LATE_MARGIN = Duration.standardSeconds(5);

  private static final Instant EARLIEST = new Instant(Long.MIN_VALUE / 2);

  /**
   * The highest watermark the readers here reported, by consumer group and partition: only a
   * reported one can have made a record late downstream.
   */
  private static final ConcurrentMap<String, Instant> REPORTED = new ConcurrentHashMap<>();

  /** This policy's key in {@link #REPORTED}: its consumer group and partition. */
  private final String groupPartition;
  private Instant watermark;
  private Instant newest;

  EventTime(String group, TopicPartition partition, Optional<Instant> previousWatermark) {
    groupPartition = group + "\u0000" + partition;
    watermark = EARLIEST;
    advanceTo(previousWatermark.orElse(EARLIEST));
    advanceTo(REPORTED.getOrDefault(groupPartition, EARLIEST));
    newest = watermark.plus(LATE_MARGIN);
  }

  /**
   * One policy per partition read by {@code group}, resuming from the watermark a checkpoint
   * kept, or from the highest one a reader of the partition reported already in this JVM.
   */
  static TimestampPolicyFactory<byte[], byte[]> perPartition(String group) {
    return (TopicPartition partition, Optional<Instant> previous) ->
        new EventTime(group, partition, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext context, KafkaRecord<byte[], byte[]> record) {
    Instant time = new Instant(record.getTimestamp());
    if (time.isBefore(watermark)) {
      time = watermark;
    }
    if (time.isAfter(newest)) {
      newest = time;
      advanceTo(newest.minus(LATE_MARGIN));
    }
    return time;
  }

  @Override
  public Instant getWatermark(PartitionContext context) {
    if (context.getMessageBacklog() == 0) {
      advanceTo(context.getBacklogCheckTime().minus(LATE_MARGIN));
    }
    REPORTED.merge(groupPartition, watermark, (a, b) -> a.isAfter(b) ? a : b);
    return watermark;
  }

  private void advanceTo(Instant time) {
    if (time.isAfter(watermark)) {
      watermark = time;
    }
  }
}
