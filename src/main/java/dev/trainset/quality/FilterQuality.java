package dev.trainset.quality;

import dev.trainset.model.Rejections;
import dev.trainset.fields.FieldMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.knuddels.jtokkit.api.Encoding;
import dev.trainset.config.Dedup;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Document;
import dev.trainset.model.DocumentCoder;
import dev.trainset.model.Example;
import dev.trainset.model.FieldPath;
import dev.trainset.model.Grain;
import dev.trainset.model.Reason;
import dev.trainset.model.Rejected;
import dev.trainset.model.RejectedCoder;
import dev.trainset.model.Stage;
import java.util.Comparator;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Refuses documents that would make poor examples: too short or too long (characters, then
 * tokens), an empty output, heuristic quality signals out of bounds ({@link QualitySignals}),
 * a score (explicit, else the heuristic one) under {@code min_score}; then drops exact duplicates of
 * normalized content ({@link ExactDedup}) and, with {@code dedup: near}, near-duplicates ({@link
 * NearDedup}), keeping one deterministic survivor of each. Documents are judged through the
 * {@code fields} mapping; a record the mapping cannot read is refused {@code missing_field} or
 * {@code bad_field}. With {@code tiers}, a kept document's {@code quality_tier} is recorded. With
 * segmentation on, the whole {@code segment.source_field} text is judged (see {@link
 * #withSegmentation}).
 */
public final class FilterQuality extends PTransform<PCollection<Document>, PCollectionTuple> {
  /** The documents that passed. */
  public static final TupleTag<Document> KEPT = new TupleTag<Document>("kept") {};

  /** The annotation holding the document's token count when {@code max_tokens} is set. */
  public static final String TOKEN_COUNT = "token_count";

  /** The annotation holding the heuristic score when {@code heuristics} is on. */
  public static final String QUALITY_SCORE = "quality_score";

  /** The annotation holding the document's tier when {@code tiers} is set. */
  public static final String QUALITY_TIER = "quality_tier";

  /**
   * The tier of a score below every threshold, so that with {@code partition_by: [quality_tier]}
   * those examples get a folder of their own, named for what they are.
   */
  public static final String UNTIERED = "untiered";

  private final PipelineSpec.Quality quality;
  private final FieldMapping mapping;
  private final Grain grain;

  private FilterQuality(PipelineSpec.Quality quality, FieldMapping mapping, Grain grain) {
    this.quality = quality;
    this.mapping = mapping;
    this.grain = grain;
  }

  /** Filters by {@code quality}, seeing records through {@code fields}. */
  public static FilterQuality of(PipelineSpec.Quality quality, PipelineSpec.Fields fields) {
    return new FilterQuality(quality, new FieldMapping(fields), Grain.FINE);
  }

  /**
   * With {@code segment.enabled}, judges each document as the text Segment will cut, since it has
   * no instruction or output yet: the bounds apply to the source text, and a document is not
   * refused for lacking an {@code output} field.
   */
  public FilterQuality withSegmentation(PipelineSpec.Segment segment) {
    return new FilterQuality(quality, new FieldMapping(mapping.fields(), segment), grain);
  }

  /** Groups exact duplicates for their join at {@code newGrain} ({@link Grain#FINE} by default). */
  public FilterQuality withGrain(Grain newGrain) {
    return new FilterQuality(quality, mapping, newGrain);
  }

  @Override
  public PCollectionTuple expand(PCollection<Document> documents) {
    PCollectionTuple checked =
        documents.apply(
            "CheckBounds",
            ParDo.of(new CheckFn(quality, mapping))
                .withOutputTags(KEPT, TupleTagList.of(Rejected.TAG)));
    checked.get(KEPT).setCoder(DocumentCoder.of());
    checked.get(Rejected.TAG).setCoder(RejectedCoder.of());
    if (quality.dedup() == Dedup.NONE) {
      return checked;
    }
    PCollectionTuple deduped = checked.get(KEPT).apply("DropExactDuplicates",
        new ExactDedup(mapping, quality.dedupTtlDuration(), grain));
    PCollectionList<Rejected> rejected =
        PCollectionList.of(checked.get(Rejected.TAG)).and(deduped.get(Rejected.TAG));
    if (quality.dedup() == Dedup.NEAR) {
      // Exact copies first: they are cheaper to find and keep their own reason.
      deduped = deduped.get(KEPT)
          .apply("DropNearDuplicates", new NearDedup(mapping, quality.nearThreshold()));
      rejected = rejected.and(deduped.get(Rejected.TAG));
    }
    return PCollectionTuple.of(KEPT, deduped.get(KEPT))
        .and(Rejected.TAG, rejected.apply("Rejected", Flatten.pCollections()));
  }

  /**
   * The document a {@code near_duplicate} rejection's detail names as kept, {@code id (origin)}:
   * the cluster the refused document belongs to, for the report.
   */
  public static String nearDuplicateSurvivor(String detail) {
    return NearDedup.survivorOf(detail);
  }

  /** The per-document checks: mapping, lengths, empty output, tokens, score and tier. */
  static final class CheckFn extends DoFn<Document, Document> {
    private final PipelineSpec.Quality quality;
    private final FieldMapping mapping;
    private final @Nullable QualitySignals signals;
    private transient @Nullable Encoding tokenizer;

    CheckFn(PipelineSpec.Quality quality, FieldMapping mapping) {
      this.quality = quality;
      this.mapping = mapping;
      this.signals = quality.heuristics() ? new QualitySignals(quality.signals()) : null;
    }

    @Setup
    public void setup() {
      if (quality.maxTokens() > 0) {
        tokenizer = quality.tokenizer().encoding();
      }
    }

    @ProcessElement
    public void process(@Element Document document, MultiOutputReceiver out) {
      FieldMapping.Mapped mapped = mapping.map(document);
      if (!mapped.ok()) {
        reject(out, document, mapped.reason(), mapped.detail());
        return;
      }
      Example example = mapped.example();
      String text = example.fullText();
      int chars = text.codePointCount(0, text.length());
      if (chars < quality.minChars()) {
        reject(out, document, Reason.TOO_SHORT, chars + " chars < min_chars " + quality.minChars());
        return;
      }
      if (chars > quality.maxChars()) {
        reject(out, document, Reason.TOO_LONG, chars + " chars > max_chars " + quality.maxChars());
        return;
      }
      if (quality.skipEmptyOutput() && example.outputText().isBlank()) {
        reject(out, document, Reason.EMPTY_OUTPUT, "the output text is empty");
        return;
      }
      Document kept = document;
      if (tokenizer != null) {
        int tokens = tokenizer.countTokensOrdinary(text);
        if (tokens > quality.maxTokens()) {
          reject(out, document, Reason.TOO_MANY_TOKENS, tokens + " " + quality.tokenizer().configName()
              + " tokens > max_tokens " + quality.maxTokens());
          return;
        }
        kept = kept.withAnnotation(TOKEN_COUNT, IntNode.valueOf(tokens));
      }
      Double score = null;
      if (signals != null) {
        QualitySignals.Verdict verdict = signals.judge(QualitySignals.measure(example));
        if (!verdict.passed()) {
          reject(out, document, verdict.reason(), verdict.detail());
          return;
        }
        score = verdict.score();
        kept = kept.withAnnotation(QUALITY_SCORE, DoubleNode.valueOf(score));
      }
      if (!quality.scoreField().isEmpty()) {
        // An explicit score, when the records have one, is the score that counts.
        JsonNode value = FieldPath.resolveFilled(document.fields(), quality.scoreField());
        score = value == null ? null : FieldPath.number(value);
        if (value == null) {
          reject(out, document, Reason.MISSING_FIELD,
              "no '" + quality.scoreField() + "' field in the record");
          return;
        }
        if (score == null) {
          reject(out, document, Reason.BAD_FIELD,
              "'" + quality.scoreField() + "' is '" + value.asText() + "', not a number");
          return;
        }
      }
      if (score != null) {
        if (score < quality.minScore()) {
          reject(out, document, Reason.LOW_SCORE, score + " < min_score " + quality.minScore());
          return;
        }
        if (!quality.tiers().isEmpty()) {
          String tier = tierOf(score, quality.tiers());
          kept = kept.withAnnotation(QUALITY_TIER, TextNode.valueOf(tier == null ? UNTIERED : tier));
        }
      }
      out.get(KEPT).output(kept);
    }

    private static void reject(
        MultiOutputReceiver out, Document document, Reason reason, String detail) {
      out.get(Rejected.TAG).output(Rejections.of(document, Stage.QUALITY, reason, detail));
    }
  }

  /** The highest tier whose threshold the score reaches, or null below every tier. */
  static @Nullable String tierOf(double score, Map<String, Double> tiers) {
    return tiers.entrySet().stream()
        .filter(tier -> score >= tier.getValue())
        .max(Comparator.comparingDouble(Map.Entry<String, Double>::getValue))
        .map(Map.Entry::getKey)
        .orElse(null);
  }
}
