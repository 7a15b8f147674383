package dev.trainset.read;

import dev.trainset.config.KafkaStart;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.KafkaClients;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Reads Kafka topics into documents: a bounded slice ({@code input.kafka.max_records > 0}, a
 * batch run), or without end, in fixed windows of {@code input.kafka.window}, each window one
 * export (event time: {@link EventTime}). Either way each value is JSON text, and one that
 * parses to an object becomes a document exactly as a JSON line does (same id rules); any other
 * value is rejected with {@code stage=read} under the id {@code <topic>:<partition>:<offset>},
 * which is also a document's origin. A document's event time is its Kafka record's timestamp.
 *
 * <p>Offsets are committed for {@code group_id} when the runner finalizes what it read, never by
 * the consumer on its own ({@code enable.auto.commit=false}). The consumer properties of {@code
 * input.kafka.properties} reach the consumer through its factory, not KafkaIO's consumer config,
 * so that they stay out of the graph's display data (which runners show and log).
 */
public final class ReadKafka extends PTransform<PBegin, PCollectionTuple> {
  private final PipelineSpec.Kafka kafka;
  private final String idField;

  private ReadKafka(PipelineSpec.Kafka kafka, String idField) {
    this.kafka = kafka;
    this.idField = idField;
  }

  /** Reads {@code kafka.max_records} records of {@code kafka.topics}; ids from {@code idField}. */
  public static ReadKafka from(PipelineSpec.Kafka kafka, String idField) {
    return new ReadKafka(kafka, idField);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset(kafka.start()));
    KafkaIO.Read<byte[], byte[]> read = KafkaIO.readBytes()
        .withBootstrapServers(kafka.bootstrapServers())
        .withTopics(kafka.topics())
        .withConsumerConfigUpdates(consumer)
        .withConsumerFactoryFn(KafkaClients.consumers(kafka.properties()))
        .commitOffsetsInFinalize();
    if (!kafka.unbounded()) {
      return parse(begin.apply("Kafka", read
          .withTimestampFn2(record -> new Instant(record.getTimestamp()))
          .withMaxNumRecords(kafka.maxRecords())), idField);
    }
    PCollectionTuple parsed = parse(begin.apply("Kafka",
        read.withTimestampPolicyFactory(EventTime.perPartition(kafka.groupId()))), idField);
    // Every stage after the read works window by window: each window is one export.
    Window<Document> documents = Window.into(FixedWindows.of(window(kafka)));
    Window<Rejected> rejected = Window.into(FixedWindows.of(window(kafka)));
    return PCollectionTuple
        .of(ReadDocuments.DOCUMENTS, parsed.get(ReadDocuments.DOCUMENTS).apply("Window", documents))
        .and(Rejected.TAG, parsed.get(Rejected.TAG).apply("WindowRejected", rejected));
  }

  private static Duration window(PipelineSpec.Kafka kafka) {
    return Duration.millis(kafka.windowDuration().toMillis());
  }

  /** Kafka records into documents and rejections (the part of the read a test can feed). */
  static PCollectionTuple parse(PCollection<KafkaRecord<byte[], byte[]>> records, String idField) {
    PCollectionTuple read = records.apply("Parse", ParDo.of(new ParseRecordFn(idField))
        .withOutputTags(ReadDocuments.DOCUMENTS, TupleTagList.of(Rejected.TAG)));
    read.get(ReadDocuments.DOCUMENTS).setCoder(DocumentCoder.of());
    read.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return read;
  }

  /**
   * Where a group with no committed offset begins; a group with committed offsets resumes from
   * them whatever {@code start} says (that is how Kafka consumers work).
   */
  static String offsetReset(KafkaStart start) {
    return start == KafkaStart.LATEST ? "latest" : "earliest";
  }

  /** Turns one Kafka record into a document or a rejection, stamped with the record's time. */
  static final class ParseRecordFn extends DoFn<KafkaRecord<byte[], byte[]>, Document> {
    /**
     * Exactly one JSON value: anything after it is a parse error, and it nests no deeper than a
     * file's record may by default, as in a JSON line.
     */
    private static final ObjectReader ONE_VALUE = JsonLinesFile.ONE_VALUE;

    private final String idField;
    private final Counter documentsRead = Metrics.counter(ReadDocuments.class, "documents");

    ParseRecordFn(String idField) {
      this.idField = idField;
    }

    @ProcessElement
    public void process(@Element KafkaRecord<byte[], byte[]> record, @Timestamp Instant read,
        MultiOutputReceiver out) {
      String partition = record.getTopic() + ":" + record.getPartition();
      long offset = record.getOffset();
      // The record's time, unless the read placed it later (a record that came too late).
      Instant time = new Instant(Math.max(record.getTimestamp(), read.getMillis()));
      // A Kafka value is bounded by the broker's own message size limit, not by max_record_bytes.
      RecordEmitter emit = new RecordEmitter(partition, idField, Integer.MAX_VALUE, 1000,
          new Stamped(out, time), documentsRead);
      byte[] value = record.getKV().getValue();
      String origin = partition + ":" + offset;
      JsonNode parsed;
      try {
        parsed = value == null ? null : ONE_VALUE.readTree(value);
      } catch (JsonProcessingException e) {
        if (JsonLinesFile.tooDeep(e)) {
          emit.tooDeep(String.valueOf(offset), "offset " + offset,
              new String(value, StandardCharsets.UTF_8));
          return;
        }
        emit.reject(origin, Reason.PARSE_ERROR, "offset " + offset + ": " + e.getOriginalMessage(),
            JsonNodeFactory.instance.textNode(new String(value, StandardCharsets.UTF_8)));
        return;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (parsed == null || parsed.isMissingNode()) {
        emit.reject(origin, Reason.PARSE_ERROR, "offset " + offset + ": the value is empty",
            null);
        return;
      }
      emit.json(parsed, String.valueOf(offset), "offset " + offset,
          new String(value, StandardCharsets.UTF_8));
    }
  }

  /** Passes outputs on with the Kafka record's timestamp as their event time. */
  private static final class Stamped implements DoFn.MultiOutputReceiver {
    private final DoFn.MultiOutputReceiver out;
    private final Instant time;

    Stamped(DoFn.MultiOutputReceiver out, Instant time) {
      this.out = out;
      this.time = time;
    }

    @Override
    public <T> DoFn.OutputReceiver<T> get(org.apache.beam.sdk.values.TupleTag<T> tag) {
      DoFn.OutputReceiver<T> receiver = out.get(tag);
      return new DoFn.OutputReceiver<T>() {
        @Override
        public void output(T output) {
          receiver.outputWithTimestamp(output, time);
        }

        @Override
        public void outputWithTimestamp(T output, Instant timestamp) {
          receiver.outputWithTimestamp(output, timestamp);
        }
      };
    }

    @Override
    public <T> org.apache.beam.sdk.transforms.DoFn.OutputReceiver<org.apache.beam.sdk.values.Row>
        getRowReceiver(org.apache.beam.sdk.values.TupleTag<T> tag) {
      return out.getRowReceiver(tag);
    }
  }
}
