package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
  @Test
  void lineShowsCountsAndTheReadRate() {
    assertEquals("trainset: 25 s, read 120000 (4800/s), exported 110000, rejected 5000",
        ProgressLine.line(120_000, 110_000, 5_000, 25_400));
  }

  @Test
  void aRunShorterThanASecondDoesNotDivideByZero() {
    assertEquals("trainset: 0 s, read 10 (10/s), exported 0, rejected 0",
        ProgressLine.line(10, 0, 0, 300));
  }
}
