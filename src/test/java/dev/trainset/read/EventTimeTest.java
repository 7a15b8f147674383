package dev.trainset.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Each test reads its own consumer group: what one reader reached is kept for its group. */
class EventTimeTest {
  private static final TopicPartition P0 = new TopicPartition("docs", 0);
  private static final TopicPartition P1 = new TopicPartition("docs", 1);

  /** A partition with {@code backlog} records left to read, checked at {@code checked}. */
  private static TimestampPolicy.PartitionContext context(long backlog, long checked) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return backlog;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return new Instant(checked);
      }
    };
  }

  private static long stamp(TimestampPolicy<byte[], byte[]> policy, long timestamp) {
    KafkaRecord<byte[], byte[]> record = new KafkaRecord<>("docs", 0, 0, timestamp,
        KafkaTimestampType.CREATE_TIME, null, null, new byte[0]);
    return policy.getTimestampForRecord(context(1, 0), record).getMillis();
  }

  private static TimestampPolicy<byte[], byte[]> policy(
      String group, TopicPartition partition, Long previous) {
    return EventTime.perPartition(group).createTimestampPolicy(
        partition, Optional.ofNullable(previous).map(Instant::new));
  }

  @Test
  void aFirstReadKeepsEachRecordsTimeAndTrailsTheNewestByTheMargin() {
    TimestampPolicy<byte[], byte[]> read = policy("first-read", P0, null);
    assertEquals(1_000, stamp(read, 1_000));
    assertEquals(60_000, stamp(read, 60_000));
    assertEquals(56_000, stamp(read, 56_000));
    assertEquals(55_000, read.getWatermark(context(1, 0)).getMillis());
    // Later than the margin allows: the watermark becomes its time, not a window already gone.
    assertEquals(55_000, stamp(read, 2_000));
  }

  @Test
  void anIdlePartitionFollowsTheWallClockLessTheMargin() {
    TimestampPolicy<byte[], byte[]> read = policy("idle", P0, null);
    stamp(read, 1_000);
    assertEquals(95_000, read.getWatermark(context(0, 100_000)).getMillis());
    assertEquals(95_000, stamp(read, 3_000));
  }

  @Test
  void aRestoredReadResumesFromItsCheckpointsWatermark() {
    TimestampPolicy<byte[], byte[]> read = policy("restored", P0, 500_000L);
    assertEquals(500_000, read.getWatermark(context(1, 0)).getMillis());
    assertEquals(500_000, stamp(read, 31_000));
  }

  @Test
  void aSecondReaderOfARestoredPartitionStartsWhereTheFirstIs() {
    TimestampPolicy<byte[], byte[]> restored = policy("twice", P0, 500_000L);
    restored.getWatermark(context(0, 700_000));
    // The reader Flink adds from the group's committed offsets, without a checkpoint.
    TimestampPolicy<byte[], byte[]> again = policy("twice", P0, null);
    assertEquals(695_000, again.getWatermark(context(1, 0)).getMillis());
    assertEquals(695_000, stamp(again, 31_000));
    // Another partition, or another group, keeps its own watermark.
    assertEquals(31_000, stamp(policy("twice", P1, null), 31_000));
    assertEquals(31_000, stamp(policy("another-group", P0, null), 31_000));
  }
}
