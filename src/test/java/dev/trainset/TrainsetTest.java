package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The command line's handling of paths that workers elsewhere must resolve the same way. */
class TrainsetTest {
  private static final String CWD = Paths.get("").toAbsolutePath().toString();

  @Test
  void relativeLocalGlobsBecomeAbsolute() {
    assertEquals(CWD + "/pipelines/samples/quickstart.jsonl",
        Trainset.absoluteIfLocal("pipelines/samples/quickstart.jsonl"));
    assertEquals(CWD + "/data/{a,b}/part-?.jsonl.gz",
        Trainset.absoluteIfLocal("data/{a,b}/part-?.jsonl.gz"));
  }

  @Test
  void absolutePathsAndOtherFilesystemsStayAsGiven() {
    for (String glob : new String[] {
        "/data/in/*.jsonl", "file:///data/in/*.jsonl", "gs://bucket/in/*.jsonl", "s3://b/k*.csv"}) {
      assertEquals(glob, Trainset.absoluteIfLocal(glob));
    }
  }
}
