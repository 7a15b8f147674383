package dev.trainset.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The counts of a trainset job on a Flink session cluster, read from the JobManager's REST API
 * while the job runs: the launching process's own counters stay at zero there, since the
 * workers count in their own JVMs.
 *
 * <p>Beam's counters are no use for this: in batch, Beam 2.62's Flink runner hands a DoFn's
 * counters to Flink only when the DoFn's task ends ({@code FlinkDoFnFunction} runs one bundle
 * per task and finishes it in {@code close()}). What is live is Flink's own count of the records
 * each task has taken in and sent out ({@code read-records}, {@code write-records} of a job
 * vertex, refreshed by the JobManager every {@code metrics.fetcher.update-interval}, 10 s by
 * default). Two readings of them:
 *
 * <ul>
 *   <li>while the steps run: the records ReadDocuments' parse step has put out (one per record
 *       read: a document or a rejection), the examples WriteFormats has taken in, and what each
 *       stage's {@code .rejected} output has sent on;
 *   <li>exactly, once the tally runs: the input of the tally steps ({@code TallyRead}, {@code
 *       TallyUnreadable}, {@code TallyExported}, {@code TallyRejected}), which see exactly the
 *       records stats.json counts. Their tasks start late (behind the grouping steps), so early
 *       in a run only the first reading moves.
 * </ul>
 *
 * Each count shown is the larger of the two. A count is read from a task only where its step is
 * the first operator of the task (else the task's input belongs to another step); the steps used
 * here are, since their input has another consumer too and Flink cannot chain them to it.
 */
public final class FlinkRestProgress {
  /** What one poll found; a count is -1 when the job has no task starting with its step. */
  public record Snapshot(String jobId, String state, long read, long exported, long rejected,
      int tasksFinished, int tasksTotal, long runningMillis) {}

  private static final String TALLY_READ = "FlatMap at TallyRead/";
  private static final String TALLY_UNREADABLE = "FlatMap at TallyUnreadable/";
  private static final String TALLY_EXPORTED = "FlatMap at TallyExported/";
  private static final String TALLY_REJECTED = "FlatMap at TallyRejected/";
  /** The parse step's output, one element per record read, as the first pruning step gets it. */
  private static final String PARSED = "FlatMap at ReadDocuments/Parse.documents)";
  /** WriteFormats' first step: one element per example exported. */
  private static final String ENCODE = "FlatMap at WriteFormats/Encode)";
  /** Every stage's rejected output (TupleTag "rejected"), as its own pruning step sends it on. */
  private static final String REJECTED_OUTPUT = ".rejected)";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final URI base;
  private final String jobName;
  private final HttpClient http;
  private String jobId;

  private FlinkRestProgress(URI base, String jobName) {
    this.base = base;
    this.jobName = jobName;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * Follows the job named {@code jobName} (Beam submits it under {@code --jobName}) on the
   * cluster whose REST address is {@code flinkMaster} ({@code host:port} or a URL).
   */
  public static FlinkRestProgress of(String flinkMaster, String jobName) {
    String master = flinkMaster.contains("://") ? flinkMaster : "http://" + flinkMaster;
    return new FlinkRestProgress(URI.create(master.replaceAll("/+$", "")), jobName);
  }

  /** The REST address polled, for messages. */
  public URI address() {
    return base;
  }

  /**
   * The job's counts now; empty while the cluster does not list the job yet (the launcher is
   * still translating or uploading it).
   */
  public Optional<Snapshot> poll() throws IOException, InterruptedException {
    if (jobId == null) {
      jobId = jobIdOf(get("/jobs/overview"), jobName).orElse(null);
      if (jobId == null) {
        return Optional.empty();
      }
    }
    return Optional.of(snapshotOf(get("/jobs/" + jobId)));
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + response.statusCode());
    }
    return Json.MAPPER.readTree(response.body());
  }

  /**
   * The id of the newest job called {@code jobName} in a {@code /jobs/overview} answer (a name
   * given twice, e.g. {@code --jobName} reused, means the latest submission).
   */
  static Optional<String> jobIdOf(JsonNode overview, String jobName) {
    String newest = null;
    long newestStart = Long.MIN_VALUE;
    for (JsonNode job : overview.path("jobs")) {
      long start = job.path("start-time").asLong();
      if (job.path("name").asText().equals(jobName) && start >= newestStart) {
        newest = job.path("jid").asText();
        newestStart = start;
      }
    }
    return Optional.ofNullable(newest);
  }

  /** The counts in a {@code /jobs/<id>} answer. */
  public static Snapshot snapshotOf(JsonNode job) {
    long tallyRead = -1;
    long unreadable = 0;
    long tallyExported = -1;
    long tallyRejected = -1;
    long parsed = -1;
    long encoded = -1;
    long stageRejected = -1;
    int finished = 0;
    for (JsonNode vertex : job.path("vertices")) {
      String name = vertex.path("name").asText();
      String head = chainHead(name);
      long in = vertex.path("metrics").path("read-records").asLong();
      long out = vertex.path("metrics").path("write-records").asLong();
      if (head.contains(TALLY_READ)) {
        tallyRead = Math.max(tallyRead, 0) + in;
      } else if (head.contains(TALLY_UNREADABLE)) {
        unreadable += in;
      } else if (head.contains(TALLY_EXPORTED)) {
        tallyExported = Math.max(tallyExported, 0) + in;
      } else if (head.contains(TALLY_REJECTED)) {
        tallyRejected = Math.max(tallyRejected, 0) + in;
      } else if (head.endsWith(PARSED)) {
        parsed = Math.max(parsed, 0) + in;
      } else if (head.endsWith(ENCODE)) {
        encoded = Math.max(encoded, 0) + in;
      } else if (head.endsWith(REJECTED_OUTPUT) && head.equals(name)) {
        stageRejected = Math.max(stageRejected, 0) + out;
      }
      finished += vertex.path("status").asText().equals("FINISHED") ? 1 : 0;
    }
    long now = job.path("now").asLong(System.currentTimeMillis());
    long start = job.path("start-time").asLong(now);
    long end = job.path("end-time").asLong(-1);
    return new Snapshot(job.path("jid").asText(), job.path("state").asText(),
        Math.max(tallyRead < 0 ? -1 : tallyRead + unreadable, parsed),
        Math.max(tallyExported, encoded), Math.max(tallyRejected, stageRejected),
        finished, job.path("vertices").size(), Math.max(0, (end > 0 ? end : now) - start));
  }

  /**
   * The first operator of a job vertex's name: {@code CHAIN FlatMap (FlatMap at TallyRead/...)
   * -> FlatMap (...)} gives {@code FlatMap (FlatMap at TallyRead/...)}. Only there do the
   * vertex's input counts belong to that step.
   */
  private static String chainHead(String vertexName) {
    String name = vertexName.startsWith("CHAIN ") ? vertexName.substring(6) : vertexName;
    int next = name.indexOf(" -> ");
    return next < 0 ? name : name.substring(0, next);
  }

  /**
   * {@code trainset: 40 s, job RUNNING 31 s (12/130 tasks done), read 120000 (3870/s),
   * exported 0, rejected 5000}: the rate is over the job's own running time.
   */
  public static String line(Snapshot job, long elapsedMillis) {
    long seconds = Math.max(1, job.runningMillis() / 1000);
    return String.format(Locale.ROOT,
        "trainset: %d s, job %s %d s (%d/%d tasks done), read %s (%s/s), exported %s,"
            + " rejected %s",
        elapsedMillis / 1000, job.state(), job.runningMillis() / 1000, job.tasksFinished(),
        job.tasksTotal(), count(job.read()), job.read() < 0 ? "?" : job.read() / seconds,
        count(job.exported()), count(job.rejected()));
  }

  private static String count(long count) {
    return count < 0 ? "?" : Long.toString(count);
  }
}
