package dev.trainset.model;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;

/** The jtokkit encodings trainset counts tokens with, by their names in the pipeline file. */
public final class Tokenizers {
  private Tokenizers() {}

  /** The encoding {@code name} ({@code cl100k_base}, {@code o200k_base}); not serializable. */
  public static Encoding of(String name) {
    return Encodings.newLazyEncodingRegistry()
        .getEncoding(EncodingType.valueOf(name.toUpperCase(Locale.ROOT)));
  }
}
