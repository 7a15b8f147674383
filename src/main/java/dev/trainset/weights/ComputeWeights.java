package dev.trainset.weights;

import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Example;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import dev.trainset.model.Timestamps;
import java.time.Instant;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Gives each document its training weight: {@code explicit x length_factor x freshness_factor}.
 *
 * <ul>
 *   <li>explicit: the {@code field} value (a number or numeric text), else {@code default};
 *   <li>length: with {@code by_length}, {@code 1 + min(0.5, chars / 2000)} on the output text;
 *   <li>freshness: with {@code freshness.field}, {@code 0.5^(age_days / half_life_days)} against
 *       {@code reference}; a record without the field is not decayed, a date in the future
 *       counts as age 0;
 *   <li>strategy: with {@code strategy}, the factor of a {@link WeightStrategy} plug-in.
 * </ul>
 *
 * A weight that is not a number, is negative or not finite is refused {@code bad_weight}; a
 * timestamp that cannot be read is refused {@code bad_timestamp}.
 *
 * <p>What needs examples rather than documents happens after Segment, in {@link WeighExamples}:
 * {@code min}/{@code max} clipping, {@code normalize: mean}, and, with segmentation on, the
 * length factor of each example's own output.
 */
public final class ComputeWeights extends PTransform<PCollection<Document>, PCollectionTuple> {
  /** The weighted documents. */
  public static final TupleTag<Document> WEIGHTED = new TupleTag<Document>("weighted") {};

  private static final double MILLIS_PER_DAY = 86_400_000.0;
  private static final double MAX_LENGTH_FACTOR = 1.5;

  private final PipelineSpec.Weights weights;
  private final PipelineSpec.Fields fields;
  private final Instant reference;
  private final boolean lengthPerExample;

  private ComputeWeights(
      PipelineSpec.Weights weights, PipelineSpec.Fields fields, Instant reference,
      boolean lengthPerExample) {
    this.weights = weights;
    this.fields = fields;
    this.reference = reference;
    this.lengthPerExample = lengthPerExample;
  }

  /**
   * Weighs by {@code weights}, reading output text through {@code fields}. A {@code reference}
   * of {@code now} is fixed here, once, so every worker decays against the same instant.
   */
  public static ComputeWeights of(PipelineSpec.Weights weights, PipelineSpec.Fields fields) {
    String reference = weights.freshness().reference();
    Instant instant =
        "now".equals(reference)
            ? Instant.now()
            : Timestamps.parse(reference)
                .orElseThrow(() -> new IllegalArgumentException("bad reference " + reference));
    return new ComputeWeights(weights, fields, instant, false);
  }

  /**
   * With {@code segment.enabled}, weighs the whole document and leaves the length factor to
   * {@link WeighExamples}, which takes it on the output of each example cut from the document.
   */
  public ComputeWeights withSegmentation(PipelineSpec.Segment segment) {
    return new ComputeWeights(weights, fields, reference, segment.enabled());
  }

  /** The instant freshness is measured against. */
  public Instant reference() {
    return reference;
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    PCollectionTuple weighted =
        documents.apply(
            "Weigh",
            ParDo.of(new WeighFn(weights, new FieldMapping(fields), reference.toEpochMilli(),
                    lengthPerExample))
                .withOutputTags(WEIGHTED, TupleTagList.of(Rejected.TAG)));
    weighted.get(WEIGHTED).setCoder(DocumentCoder.of());
    weighted.get(Rejected.TAG).setCoder(RejectedCoder.of());
    return weighted;
  }

  static final class WeighFn extends DoFn<Document, Document> {
    private final PipelineSpec.Weights weights;
    private final FieldMapping mapping;
    private final long referenceMillis;
    private final boolean lengthPerExample;
    private transient @Nullable WeightStrategy strategy;

    WeighFn(PipelineSpec.Weights weights, FieldMapping mapping, long referenceMillis,
        boolean lengthPerExample) {
      this.weights = weights;
      this.mapping = mapping;
      this.referenceMillis = referenceMillis;
      this.lengthPerExample = lengthPerExample;
    }

    @Setup
    public void setup() {
      if (!weights.strategy().isEmpty()) {
        // SpecLoader checked the name, so an absent strategy here is a broken classpath.
        strategy = WeightStrategy.find(weights.strategy()).orElseThrow(() ->
            new IllegalStateException("no weight strategy " + weights.strategy() + " on the classpath"));
      }
    }

    @ProcessElement
    public void process(@Element Document document, MultiOutputReceiver out) {
      double explicit = weights.defaultWeight();
      if (!weights.field().isEmpty()) {
        JsonNode value = FieldPath.resolveFilled(document.fields(), weights.field());
        if (value != null) {
          Double number = FieldPath.number(value);
          if (number == null) {
            reject(out, document, Reason.BAD_WEIGHT,
                "'" + weights.field() + "' is '" + value.asText() + "', not a number");
            return;
          }
          explicit = number;
        }
      }
      double length = 1.0;
      if (weights.byLength() && !lengthPerExample) {
        Example example = mapping.map(document).example();
        String output = example == null ? "" : example.outputText();
        length = lengthFactor(output.codePointCount(0, output.length()));
      }
      double freshness = 1.0;
      PipelineSpec.Freshness decay = weights.freshness();
      if (!decay.field().isEmpty()) {
        JsonNode value = FieldPath.resolveFilled(document.fields(), decay.field());
        if (value != null) {
          Optional<Instant> time = Timestamps.parse(value);
          if (time.isEmpty()) {
            reject(out, document, Reason.BAD_TIMESTAMP, "'" + decay.field() + "' is '"
                + value.asText() + "'; expected an ISO-8601 date or date-time, or epoch seconds"
                + " or milliseconds");
            return;
          }
          freshness = freshnessFactor(time.get().toEpochMilli(), referenceMillis, decay.halfLifeDays());
        }
      }
      double custom = strategy == null ? 1.0 : strategy.factor(document);
      double weight = explicit * length * freshness * custom;
      // With the length factor still to come, the weight must stay finite under the largest one.
      boolean lengthToCome = weights.byLength() && lengthPerExample;
      double largest = lengthToCome ? weight * MAX_LENGTH_FACTOR : weight;
      if (!Double.isFinite(largest) || weight < 0) {
        reject(out, document, Reason.BAD_WEIGHT, "weight " + largest + " = explicit " + explicit
            + " x length " + (lengthToCome ? "(at most) " + MAX_LENGTH_FACTOR : length)
            + " x freshness " + freshness
            + (strategy == null ? "" : " x " + weights.strategy() + " " + custom)
            + "; a weight must be finite and >= 0");
        return;
      }
      out.get(WEIGHTED).output(document.withWeight(weight));
    }

    private static void reject(
        MultiOutputReceiver out, Document document, Reason reason, String detail) {
      out.get(Rejected.TAG).output(Rejections.of(document, Stage.WEIGHTS, reason, detail));
    }
  }

  /** {@code 1 + min(0.5, chars / 2000)}. */
  static double lengthFactor(int outputChars) {
    return 1.0 + Math.min(MAX_LENGTH_FACTOR - 1.0, outputChars / 2000.0);
  }

  /** {@code 0.5^(age_days / half_life_days)}, with a future time counting as age 0. */
  static double freshnessFactor(long timeMillis, long referenceMillis, double halfLifeDays) {
    // In doubles: the difference of two extreme epoch values overflows a long.
    double ageDays = Math.max(0, (double) referenceMillis - (double) timeMillis) / MILLIS_PER_DAY;
    return Math.pow(0.5, ageDays / halfLifeDays);
  }
}
