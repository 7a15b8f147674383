package dev.trainset.model;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;

/**
 * The jtokkit encodings trainset counts tokens with: the values of {@code quality.tokenizer},
 * {@code output.openai.tokenizer} and {@code output.tokens.tokenizer}.
 */
public enum Tokenizer {
  CL100K_BASE,
  O200K_BASE;

  /** The encoding; not serializable, so a DoFn builds it in its setup or on first use. */
  public Encoding encoding() {
    return Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.valueOf(name()));
  }

  /** The name as the pipeline file and the outputs write it ({@code cl100k_base}). */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
