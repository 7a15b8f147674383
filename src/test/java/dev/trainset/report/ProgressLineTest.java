package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.model.LocalProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  @Test
  void countsShowTheReadRate() {
    assertEquals("read 120000 (4800/s), exported 110000, rejected 5000",
        ProgressLine.counts(120_000, 110_000, 5_000, 25_400));
  }

  @Test
  void aRunShorterThanASecondDoesNotDivideByZero() {
    assertEquals("read 10 (10/s), exported 0, rejected 0", ProgressLine.counts(10, 0, 0, 300));
  }

  @Test
  void aClusterJobShowsItsStateAndWhatItCannotTellYet() {
    assertEquals("job RUNNING 20 s, read 400 (20/s), exported 300, rejected 9",
        ProgressLine.clusterCounts(new FlinkRestProgress.Snapshot("j", "RUNNING", 400, 300, 9,
            3, 10, 20_000)));
    assertEquals("job CREATED 0 s, read ? (?/s), exported ?, rejected ?",
        ProgressLine.clusterCounts(new FlinkRestProgress.Snapshot("j", "CREATED", -1, -1, -1,
            0, 10, 0)));
  }

  @Test
  void inALogTheBarIsAPlainLineWithThePercentOfTheInputBytesRead() throws Exception {
    LocalProgress.reset();
    LocalProgress.bytesRead(3 << 20);
    for (int i = 0; i < 40; i++) {
      LocalProgress.read();
    }
    LocalProgress.exported();
    LocalProgress.rejected();
    List<String> lines = logLines(log -> ProgressLine.local(log, false, 4 << 20), 1_500);
    LocalProgress.reset();
    String last = lines.get(lines.size() - 1);
    // No carriage return or escape in a log: each line stands on its own.
    assertTrue(lines.stream().noneMatch(l -> l.contains("\r") || l.contains("\033")), lines.toString());
    assertTrue(last.matches("trainset  75% \\[=+>? *\\] 3/4 MB \\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\)"
        + " read 40 \\(\\d+/s\\), exported 1, rejected 1"), last);
  }

  @Test
  void withoutAKnownSizeItShowsTheCountsAlone() throws Exception {
    LocalProgress.reset();
    LocalProgress.read();
    List<String> lines = logLines(log -> ProgressLine.records(log, false, 0), 1_500);
    LocalProgress.reset();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("trainset  \\? % \\[ *= *\\] 1/\\? records \\(\\d+:\\d\\d:\\d\\d / \\?\\)"
        + " read 1 \\(\\d+/s\\),"
        + " exported 0, rejected 0"), last);
  }

  @Test
  void underAMegabyteTheBarCountsKilobytesOncePerLine() throws Exception {
    LocalProgress.reset();
    LocalProgress.bytesRead(300 << 10);
    List<String> lines = logLines(log -> ProgressLine.local(log, false, 600 << 10), 1_500);
    LocalProgress.reset();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("trainset  50% \\[=+>? *\\] 300/600 KB .*"), last);
    assertEquals(lines.size(), lines.stream().distinct().count(), "a line printed twice: " + lines);
  }

  @Test
  void aClusterThatDoesNotAnswerIsSaidOnTheLineFromTheFirstPoll() throws Exception {
    FlinkRestProgress nobody = FlinkRestProgress.of("127.0.0.1:1", "n");
    ProgressLine.Reading reading = ProgressLine.clusterReading(nobody);
    assertEquals(ProgressLine.UNCHANGED, reading.done());
    assertTrue(reading.counts().startsWith("no progress from http://127.0.0.1:1"), reading.counts());

    List<String> lines = logLines(log -> ProgressLine.cluster(log, false, nobody), 1_000);
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains(" tasks ") && last.contains("no progress from http://127.0.0.1:1"), last);
  }

  /** What a progress line started on a log writes in {@code millis}, and when it is closed. */
  private static List<String> logLines(Function<PrintStream, ProgressLine> start, long millis)
      throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLine line = start.apply(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Thread.sleep(millis);
    line.close();
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
