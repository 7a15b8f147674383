package dev.trainset.read;

import static dev.trainset.testing.Fixtures.object;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainset.config.KafkaStart;
import dev.trainset.model.Document;
import dev.trainset.model.Rejected;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * ReadKafka's parsing, without a broker: Kafka records built in the test become documents with
 * the file readers' id rules and {@code topic:partition:offset} origins, or rejections at
 * {@code stage=read}, each at its record's timestamp.
 */
public class ReadKafkaTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static KafkaRecord<byte[], byte[]> record(int partition, long offset, long time,
      String value) {
    return new KafkaRecord<>("docs", partition, offset, time, KafkaTimestampType.CREATE_TIME,
        null, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** Deeper than a record from a file may be: refused as such, not carried into later stages. */
  private static final String DEEP = "{\"x\": " + "[".repeat(1500) + "]".repeat(1500) + "}";

  @Test
  public void turnsValuesIntoDocumentsAndRejections() {
    PCollectionTuple out = ReadKafka.parse(pipeline
        .apply(Create.of(
                record(0, 0, 1000, "{\"id\": \"a\", \"instruction\": \"Hi\", \"output\": \"Hello\"}"),
                record(0, 1, 2000, "{\"instruction\":\"Name a colour.\",\"output\":\"Blue.\"}"),
                record(1, 7, 3000, "not json at all"),
                record(1, 8, 4000, "[1, 2]"),
                record(0, 2, 5000, "{\"id\": \"c\"} {\"id\": \"d\"}"),
                record(2, 0, 6000, null),
                record(2, 1, 7000, DEEP))
            .withCoder(KafkaRecordCoder.of(NullableCoder.of(ByteArrayCoder.of()),
                NullableCoder.of(ByteArrayCoder.of())))), "id");

    PAssert.that(out.get(ReadDocuments.DOCUMENTS).apply("DocumentTimes", Reify.timestamps()))
        .containsInAnyOrder(
            TimestampedValue.of(Document.read("a", "docs:0:0",
                object("{\"id\": \"a\", \"instruction\": \"Hi\", \"output\": \"Hello\"}")),
                new org.joda.time.Instant(1000)),
            // No id field: the same content hash a JSON line gets (ReadDocumentsTest).
            TimestampedValue.of(Document.read("6b1c1bef380dd45d", "docs:0:1",
                object("{\"instruction\":\"Name a colour.\",\"output\":\"Blue.\"}")),
                new org.joda.time.Instant(2000)));
    PAssert.that(out.get(Rejected.TAG))
        .containsInAnyOrder(
            new Rejected("docs:1:7", "read", "parse_error", "offset 7: Unrecognized token 'not':"
                + " was expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false')", JsonNodeFactory.instance.textNode("not json at all")),
            new Rejected("docs:1:8", "read", "not_an_object",
                "offset 8 holds array, not a JSON object", object("{\"a\": [1, 2]}").get("a")),
            new Rejected("docs:0:2", "read", "parse_error", "offset 2: Trailing token (of type"
                + " START_OBJECT) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`):"
                + " not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`",
                JsonNodeFactory.instance.textNode("{\"id\": \"c\"} {\"id\": \"d\"}")),
            new Rejected("docs:2:0", "read", "parse_error", "offset 0: the value is empty", null),
            new Rejected("docs:2:1", "read", "too_deep", "offset 1 nests arrays and objects"
                + " deeper than input.max_depth (1000)", JsonNodeFactory.instance.textNode(DEEP)));
    PAssert.that(out.get(Rejected.TAG).apply("RejectedTimes", Reify.timestamps())
            .apply(MapElements.into(TypeDescriptors.longs())
                .via((TimestampedValue<Rejected> r) -> r.getTimestamp().getMillis())))
        .containsInAnyOrder(3000L, 4000L, 5000L, 6000L, 7000L);
    pipeline.run();
  }

  @Test
  public void startSaysWhereAGroupWithoutCommittedOffsetsBegins() {
    assertEquals("earliest", ReadKafka.offsetReset(KafkaStart.EARLIEST));
    assertEquals("latest", ReadKafka.offsetReset(KafkaStart.LATEST));
    assertEquals("earliest", ReadKafka.offsetReset(KafkaStart.COMMITTED));
  }
}
