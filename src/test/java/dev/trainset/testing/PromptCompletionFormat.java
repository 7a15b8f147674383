package dev.trainset.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.OutputFormat;
import dev.trainset.model.Example;
import dev.trainset.model.Json;
import dev.trainset.model.Style;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A format a user adds without forking trainset: legacy {@code {"prompt","completion"}} lines,
 * found by ServiceLoader through {@code META-INF/services/dev.trainset.formats.OutputFormat$Provider}
 * in the test resources and named {@code prompt_completion} in {@code output.formats}.
 */
public final class PromptCompletionFormat implements OutputFormat {
  public static final String NAME = "prompt_completion";

  /** What ServiceLoader instantiates. */
  public static final class Provider implements OutputFormat.Provider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public OutputFormat create(PipelineSpec.Output output) {
      return new PromptCompletionFormat();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return ".jsonl";
  }

  @Override
  public @Nullable String unrepresentable(Example example) {
    return example.style() == Style.INSTRUCTION ? null : "only instruction examples have a prompt";
  }

  @Override
  public String encode(Example example) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("prompt", example.turns().get(0).content());
    line.put("completion", example.output());
    return Json.write(line);
  }
}
