package dev.trainset.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Answers of a real Flink 1.19 JobManager (runners/flink-cluster.sh), cut down to the vertices
 * that matter and a few others: a 76,000-record job while its parse step ran, and the quickstart
 * job once finished (stats.json: read 38, exported 29, rejected 9).
 */
class FlinkRestProgressTest {
  @Test
  void whileTheParseStepRunsItsOutputIsTheReadCountAndFinishedRejectionsCount() throws IOException {
    FlinkRestProgress.Snapshot job = FlinkRestProgress.snapshotOf(fixture("job-running.json"));
    assertEquals("RUNNING", job.state());
    assertEquals(6553, job.read());
    assertEquals(0, job.exported());
    assertEquals(4000, job.rejected());
    assertEquals(2, job.tasksFinished());
    assertEquals(14, job.tasksTotal());
  }

  @Test
  void aFinishedJobGivesTheCountsOfStatsJson() throws IOException {
    FlinkRestProgress.Snapshot job = FlinkRestProgress.snapshotOf(fixture("job-finished.json"));
    assertEquals(new FlinkRestProgress.Snapshot("4031aa084c402ff703bdbd6c8cbb1302", "FINISHED",
        38, 29, 9, 14, 14, 11_733), job);
  }

  @Test
  void stepsNotFoundAtTheHeadOfATaskAreUnknownNotZero() throws IOException {
    JsonNode job = Json.MAPPER.readTree("{\"jid\":\"j\",\"state\":\"RUNNING\",\"start-time\":1000,"
        + "\"now\":6000,\"vertices\":[{\"name\":\"CHAIN FlatMap (FlatMap at Other) -> FlatMap"
        + " (FlatMap at TallyRead/Map)\",\"status\":\"RUNNING\",\"metrics\":{\"read-records\":5,"
        + "\"write-records\":5}}]}");
    FlinkRestProgress.Snapshot snapshot = FlinkRestProgress.snapshotOf(job);
    assertEquals(-1, snapshot.read());
    assertEquals(-1, snapshot.exported());
    assertEquals(-1, snapshot.rejected());
    assertEquals("trainset: 7 s, job RUNNING 5 s (0/1 tasks done), read ? (?/s), exported ?,"
        + " rejected ?", FlinkRestProgress.line(snapshot, 7_200));
  }

  @Test
  void theJobIsFoundByItsNameTheNewestIfTwoShareIt() throws IOException {
    JsonNode overview = fixture("jobs-overview.json");
    assertEquals(Optional.of("4031aa084c402ff703bdbd6c8cbb1302"),
        FlinkRestProgress.jobIdOf(overview, "runcommand-root-1202065056-865ee684"));
    assertEquals(Optional.empty(), FlinkRestProgress.jobIdOf(overview, "not-submitted-yet"));
    JsonNode twice = Json.MAPPER.readTree("{\"jobs\":[{\"jid\":\"old\",\"name\":\"n\","
        + "\"start-time\":1},{\"jid\":\"new\",\"name\":\"n\",\"start-time\":2},"
        + "{\"jid\":\"other\",\"name\":\"m\",\"start-time\":3}]}");
    assertEquals(Optional.of("new"), FlinkRestProgress.jobIdOf(twice, "n"));
  }

  @Test
  void theLineShowsTheJobStateAndARateOverTheJobsRunningTime() throws IOException {
    FlinkRestProgress.Snapshot job = FlinkRestProgress.snapshotOf(fixture("job-finished.json"));
    assertEquals("trainset: 40 s, job FINISHED 11 s (14/14 tasks done), read 38 (3/s),"
        + " exported 29, rejected 9", FlinkRestProgress.line(job, 40_500));
  }

  @Test
  void aMasterWithoutSchemeIsAnHttpAddress() {
    assertEquals("http://127.0.0.1:8081",
        FlinkRestProgress.of("127.0.0.1:8081", "n").address().toString());
    assertEquals("https://flink.example:443",
        FlinkRestProgress.of("https://flink.example:443/", "n").address().toString());
  }

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = FlinkRestProgressTest.class.getResourceAsStream("/flink-rest/" + name)) {
      return Json.MAPPER.readTree(in);
    }
  }
}
