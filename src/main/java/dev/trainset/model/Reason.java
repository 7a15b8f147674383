package dev.trainset.model;

import static dev.trainset.model.Stage.QUALITY;
import static dev.trainset.model.Stage.READ;
import static dev.trainset.model.Stage.SEGMENT;
import static dev.trainset.model.Stage.WEIGHTS;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one catalog of why a record is refused. Each reason carries its name as written in output
 * (the {@code reason} field of {@code _rejected/*.jsonl}, a key of stats.json's {@code
 * rejected_by_reason}, the second half of the counter {@code trainset.rejected/<stage>.<reason>}),
 * the stages that may give it, and what it means in a line. README.md's table "Why a record is
 * refused" lists the same (stage, reason) pairs; {@code ReasonCatalogTest} holds the two together.
 *
 * <p>The stage is not part of the reason because one reason can come from two stages: {@link
 * #MISSING_FIELD} and {@link #BAD_FIELD} come from the {@code fields} mapping, which quality
 * applies and, when it runs on its own, Segment too. A stage names itself when it refuses a
 * record ({@link Rejections#of(Document, Stage, Reason, String)}), and a reason its stages do not
 * include fails the run, so no pair reaches the output that this catalog does not list.
 */
public enum Reason {
  PARSE_ERROR("parse_error", "a line, array element or CSV row does not parse", READ),
  NOT_AN_OBJECT("not_an_object", "a JSON value is not an object", READ),
  UNKNOWN_FORMAT("unknown_format", "input.format auto cannot tell a file's format from its name",
      READ),
  BAD_ENCODING("bad_encoding", "a string holds a lone surrogate, or the bytes are not valid"
      + " UTF-8", READ),
  TOO_LARGE("too_large", "a JSON line, JSON record or CSV row is longer than"
      + " input.max_record_bytes", READ),
  TOO_DEEP("too_deep", "a JSON value nests arrays and objects deeper than input.max_depth",
      READ),
  UNREADABLE_FILE("unreadable_file", "a corrupt archive or a read error stopped the file", READ),

  MISSING_FIELD("missing_field", "a field the fields mapping or score_field needs is absent",
      QUALITY, SEGMENT),
  BAD_FIELD("bad_field", "a field holds a list, object or non-number where it must not",
      QUALITY, SEGMENT),

  TOO_SHORT("too_short", "the full text has fewer than min_chars code points", QUALITY),
  TOO_LONG("too_long", "the full text has more than max_chars code points", QUALITY),
  EMPTY_OUTPUT("empty_output", "the output is blank and skip_empty_output is on", QUALITY),
  TOO_MANY_TOKENS("too_many_tokens", "more than max_tokens tokens", QUALITY),
  TOO_FEW_WORDS("too_few_words", "fewer words than signals.min_words", QUALITY),
  TOO_MANY_WORDS("too_many_words", "more words than signals.max_words", QUALITY),
  MEAN_WORD_LENGTH("mean_word_length", "mean word length outside its signals bounds", QUALITY),
  SYMBOL_RATIO("symbol_ratio", "too many # and ellipses per word", QUALITY),
  ELLIPSIS_LINES("ellipsis_lines", "too many output lines end in an ellipsis", QUALITY),
  DUPLICATE_LINES("duplicate_lines", "too many output lines repeat an earlier one", QUALITY),
  REPEATED_NGRAMS("repeated_ngrams", "one word pair takes too much of the output", QUALITY),
  ALPHA_RATIO("alpha_ratio", "too few words with a letter", QUALITY),
  LOW_SCORE("low_score", "the explicit or heuristic score is below min_score", QUALITY),
  DUPLICATE("duplicate", "same normalized content as a smaller (id, origin)", QUALITY),
  NEAR_DUPLICATE("near_duplicate", "near_threshold similar to a smaller (id, origin)", QUALITY),

  BAD_WEIGHT("bad_weight", "the weight field is not a number, or the weight is negative or"
      + " not finite", WEIGHTS),
  BAD_TIMESTAMP("bad_timestamp", "the freshness field holds no readable date", WEIGHTS),

  NO_SEGMENTS("no_segments", "no instruction pattern matches and no line starts a turn",
      SEGMENT),
  SEGMENT_INCOMPLETE("segment_incomplete", "an instruction without an output, or an output"
      + " before the first instruction", SEGMENT),
  INSTRUCTION_TOO_SHORT("instruction_too_short", "a block's instruction is under"
      + " min_instruction_chars", SEGMENT),
  OUTPUT_TOO_SHORT("output_too_short", "a block's output is under min_output_chars", SEGMENT),
  NO_ASSISTANT_TURN("no_assistant_turn", "a transcript never reaches an assistant turn", SEGMENT),
  NO_USER_TURN("no_user_turn", "a transcript has no user turn", SEGMENT);

  private final String label;
  private final String meaning;
  private final Set<Stage> stages;

  Reason(String label, String meaning, Stage stage, Stage... more) {
    this.label = label;
    this.meaning = meaning;
    this.stages = Collections.unmodifiableSet(EnumSet.of(stage, more));
  }

  /** The name as written in output, e.g. {@code parse_error}. */
  public String label() {
    return label;
  }

  /** What the reason means, in a line. */
  public String meaning() {
    return meaning;
  }

  /** The stages that may refuse a record for this reason. */
  public Set<Stage> stages() {
    return stages;
  }

  /** Whether {@code stage} may refuse a record for this reason. */
  public boolean isGivenBy(Stage stage) {
    return stages.contains(stage);
  }
}
