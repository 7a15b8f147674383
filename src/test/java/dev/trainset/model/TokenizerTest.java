package dev.trainset.model;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  @Test
  void everyTokenizerHasTheJtokkitEncodingOfItsName() {
    assertAll(Arrays.stream(Tokenizer.values()).map(tokenizer ->
        () -> assertEquals(tokenizer.configName(), tokenizer.encoding().getName())));
  }

  @Test
  void countsTokensAsTheEncodingDoes() {
    assertEquals(2, Tokenizer.CL100K_BASE.encoding().countTokensOrdinary("Hello world"));
  }
}
