package dev.trainset.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Json;

/**
 * {@code openai/metadata.json}: what the OpenAI export holds and roughly what training on it
 * costs, from the files as the validator read them back. OpenAI bills the training file's tokens
 * once per epoch; with no {@code n_epochs} given it picks the epochs as the OpenAI cookbook's
 * data preparation notebook does, which is what {@code default_epochs} reproduces.
 */
public final class OpenaiMetadata {
  static final int TARGET_EPOCHS = 3;
  static final int MIN_TARGET_EXAMPLES = 100;
  static final int MAX_TARGET_EXAMPLES = 25_000;
  static final int MIN_DEFAULT_EPOCHS = 1;
  static final int MAX_DEFAULT_EPOCHS = 25;

  private OpenaiMetadata() {}

  /**
   * The metadata of an export whose files read back as {@code result}; {@code trainSplit} is the
   * split uploaded as the training file, {@code invalid} the examples sent to validation.
   */
  public static String toJson(PipelineSpec.Openai settings, OutputValidation.FormatResult result,
      String trainSplit, long invalid) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("tokenizer", settings.tokenizer().configName());
    root.put("max_tokens", settings.maxTokens());
    root.put("examples", result.records());
    root.put("invalid", invalid);
    ObjectNode splits = root.putObject("splits");
    result.recordsBySplit().forEach((split, examples) -> {
      ObjectNode entry = splits.putObject(split);
      entry.put("examples", examples);
      entry.put("tokens", result.tokensBySplit().getOrDefault(split, 0L));
    });
    long trainExamples = result.recordsBySplit().getOrDefault(trainSplit, 0L);
    long perEpoch = result.tokensBySplit().getOrDefault(trainSplit, 0L);
    long epochs = defaultEpochs(trainExamples);
    root.put("training_split", trainSplit);
    root.put("billed_tokens_per_epoch", perEpoch);
    root.put("default_epochs", epochs);
    root.put("estimated_billed_tokens", perEpoch * epochs);
    return Json.pretty(root);
  }

  /** The epochs OpenAI chooses for {@code examples} training examples when none are given. */
  static long defaultEpochs(long examples) {
    if (examples == 0) {
      return 0;
    }
    if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
      return Math.min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES / examples);
    }
    if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
      return Math.max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES / examples);
    }
    return TARGET_EPOCHS;
  }
}
