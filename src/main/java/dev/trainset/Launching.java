package dev.trainset;

import dev.trainset.config.ConfigException;
import dev.trainset.config.PipelineSpec;
import dev.trainset.model.Hashes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import software.amazon.awssdk.regions.Region;

/**
 * How a run is launched: attached (this process waits for the job and prints the summary) or
 * detached (a Flink job submitted with {@code --attachedMode=false}, any Dataflow launch: this
 * process returns once the job is submitted, and the graph finishes the run on its own).
 */
final class Launching {
  private Launching() {}

  /** Whether this process returns as soon as the job is submitted. */
  static boolean detached(TrainsetOptions options) {
    String runner = options.getRunner().getSimpleName();
    if (runner.startsWith("Dataflow")) {
      return true;
    }
    return options.getRunner() == FlinkRunner.class
        && !options.as(FlinkPipelineOptions.class).getAttachedMode();
  }

  /** How often a streaming run on Flink checkpoints, unless --checkpointingInterval says. */
  static final long CHECKPOINT_MILLIS = 10_000;

  /**
   * Sets a streaming run up (unbounded input): the runner in streaming mode and, on Flink,
   * checkpoints every {@value #CHECKPOINT_MILLIS} ms kept in {@code checkpoints} and retained
   * when the job is cancelled or dies, for a restart with {@code --savepointPath} (README).
   * Kafka offsets are committed when a checkpoint completes. What the command line sets stays.
   */
  static void streaming(TrainsetOptions options, PipelineSpec spec, String checkpoints,
      PrintStream err) {
    if (!spec.streaming()) {
      return;
    }
    options.as(StreamingOptions.class).setStreaming(true);
    if (options.getRunner() != FlinkRunner.class) {
      return;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (flink.getCheckpointingInterval() == null || flink.getCheckpointingInterval() <= 0) {
      flink.setCheckpointingInterval(CHECKPOINT_MILLIS);
    }
    if (flink.getSavepointPath() == null || flink.getSavepointPath().isEmpty()) {
      String latest = latestCheckpoint(checkpoints);
      if (latest != null) {
        // A restart picks up where the job stopped: open windows, offsets, dedup memory.
        err.println("trainset: " + spec.name() + ": resuming from " + latest
            + " (remove " + checkpoints + " to start over)");
        flink.setSavepointPath(latest);
      }
    }
    if (flink.getStateBackend() == null && flink.getStateBackendFactory() == null) {
      flink.setStateBackend("filesystem");
      flink.setStateBackendStoragePath(
          checkpoints.contains("://") ? checkpoints : "file://" + checkpoints);
      flink.setExternalizedCheckpointsEnabled(true);
      flink.setRetainExternalizedCheckpointsOnCancellation(true);
    }
  }

  /**
   * The embedded Flink's configuration, unless {@code --flinkConfDir} gives one: a folder holding
   * <ul>
   *   <li>the managed memory (its sorts' buffers, off the heap): a fixed {@value
   *       #EMBEDDED_MANAGED_MEMORY}, where Beam would give it 0.4 of the free heap (2.4 GB of the
   *       default heap on a 24 GB machine) for the sorts to fill as the input grows; measured in
   *       runners/README.md, "Memory";
   *   <li>Hadoop delegation tokens off: the embedded runner has no Kerberos to get them from,
   *       and Flink's Hadoop token provider asks for the current {@code Subject} with a call JDK
   *       23 and later refuse ({@code UnsupportedOperationException: getSubject is not
   *       supported}), which failed every job on JDK 25 before its first record;
   *   <li>on a streaming run, network buffers: every operator of a streaming job runs at once,
   *       and the embedded default of 64 MB cannot feed the trainset graph's channels (records and
   *       watermarks stop moving without an error); and the restore path, which the embedded
   *       runner takes only from its configuration ({@code --savepointPath} reaches a cluster
   *       only).
   * </ul>
   * The folder is shared by the runs with the same configuration ({@link #configurationFolder}).
   * Every embedded run, with its own folder or this one, also gets a shutdown hook that removes
   * the RPC jar its mini cluster unpacked ({@link #removeUnpackedRpcJar}).
   */
  static void embeddedConfiguration(TrainsetOptions options, PipelineSpec spec) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (options.getRunner() != FlinkRunner.class || !embedded(options)) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(
        new Thread(Launching::removeUnpackedRpcJar, "trainset-rpc-jar-cleanup"));
    if (flink.getFlinkConfDir() != null) {
      return;
    }
    StringBuilder config = new StringBuilder()
        .append("taskmanager.memory.managed.size: ").append(EMBEDDED_MANAGED_MEMORY).append('\n')
        .append("security.delegation.tokens.enabled: false\n");
    if (spec.streaming()) {
      config
          .append("taskmanager.memory.network.min: ").append(STREAMING_NETWORK_MEMORY).append('\n')
          .append("taskmanager.memory.network.max: ").append(STREAMING_NETWORK_MEMORY).append('\n');
      String savepointPath = flink.getSavepointPath();
      if (savepointPath != null && !savepointPath.isEmpty()) {
        config.append("execution.savepoint.path: ").append(savepointPath).append('\n');
      }
    }
    flink.setFlinkConfDir(configurationFolder(
        Path.of(System.getProperty("java.io.tmpdir")), config.toString()).toString());
  }

  /**
   * Deletes the copy of Flink's RPC jar ({@code flink-rpc-akka<uuid>.jar}, 22 MB) that the
   * embedded runner unpacks into the temp folder at each start. The mini cluster deletes it when
   * it closes, but it closes asynchronously after the job, and a JVM that exits straight after
   * the job left one behind on every run. The copy is found among the process's open files
   * (Linux's {@code /proc/self/fd}), so another process's copy is never touched; elsewhere
   * nothing is done.
   */
  static void removeUnpackedRpcJar() {
    // Only the unpacked copy's name: Flink's own jars (flink-rpc-akka-loader-1.19.0.jar on a
    // Maven class path) are open too.
    Path descriptors = Path.of("/proc/self/fd");
    if (!Files.isDirectory(descriptors)) {
      return;
    }
    try (DirectoryStream<Path> open = Files.newDirectoryStream(descriptors)) {
      for (Path descriptor : open) {
        Path file;
        try {
          file = Files.readSymbolicLink(descriptor);
        } catch (IOException | UnsupportedOperationException e) {
          continue;
        }
        Path name = file.getFileName();
        if (name != null && UNPACKED_RPC_JAR.matcher(name.toString()).matches()) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      // Cleaning up after the run, not part of it: a file left is no reason to fail.
    }
  }

  /**
   * The folder under {@code temp} that holds {@code config} as its {@code config.yaml}, named by a
   * hash of it: runs with the same configuration share one folder, written once and left in
   * place, so a run that is killed leaves nothing behind and the folders are as many as the
   * configurations used, not the runs. A file found changed is written again, whole.
   */
  static Path configurationFolder(Path temp, String config) {
    Path folder = temp.resolve("trainset-flink-conf-" + Hashes.sha256Hex(config, 16));
    Path file = folder.resolve("config.yaml");
    try {
      if (Files.isRegularFile(file) && Files.readString(file).equals(config)) {
        return folder;
      }
      Files.createDirectories(folder);
      // Written beside it, then moved over it: a run starting meanwhile reads one whole file.
      Path written = Files.createTempFile(folder, "config", ".yaml");
      Files.writeString(written, config);
      Files.move(written, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedded runner's configuration", e);
    }
  }

  /**
   * The newest completed checkpoint a streaming job left in {@code checkpoints} (a local folder;
   * elsewhere none is looked for): {@code <job id>/chk-<n>/} with its {@code _metadata}.
   */
  static String latestCheckpoint(String checkpoints) {
    if (checkpoints.contains("://")) {
      return null;
    }
    Path root = Path.of(checkpoints);
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(root, 3)) {
      return files
          .filter(file -> file.getFileName().toString().equals("_metadata")
              && file.getParent().getFileName().toString().startsWith("chk-"))
          .max(java.util.Comparator.comparing(Launching::modified))
          .map(file -> file.getParent().toString())
          .orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the command line names S3 itself: an {@code s3://} path anywhere in it, or
   * {@code --awsRegion}. The pipeline file is looked at once it is read ({@link #namesS3}).
   */
  static boolean namesS3(List<String> args) {
    return args.stream().anyMatch(arg -> namesS3(arg) || arg.startsWith("--awsRegion"));
  }

  /** Whether {@code text} (an argument, a pipeline file) holds an {@code s3://} path. */
  static boolean namesS3(String text) {
    return text.toLowerCase(Locale.ROOT).contains("s3://");
  }

  /**
   * Gives a run that names no S3 path a region it never uses, so that setting up Beam's file
   * systems skips the AWS SDK's region lookup: with no region in the environment or the AWS
   * profile, the SDK asks the EC2 instance metadata service, and off EC2 that is about a second
   * of waiting, once when this process sets up file systems and again in the job's first task
   * (runners/README.md, "Start-up"). A run that names S3 keeps the lookup ({@link
   * #withRegionLookup}).
   */
  static void withoutRegionLookup(TrainsetOptions options) {
    options.as(AwsOptions.class).setAwsRegion(Region.AWS_GLOBAL);
  }

  /** Undoes {@link #withoutRegionLookup}: the region the AWS SDK finds, as Beam would look it up. */
  static void withRegionLookup(TrainsetOptions options) {
    AwsOptions aws = options.as(AwsOptions.class);
    aws.setAwsRegion(new AwsOptions.AwsRegionFactory().create(aws));
  }

  /** The name Flink gives the RPC jar it unpacks: a random UUID between prefix and extension. */
  private static final Pattern UNPACKED_RPC_JAR = Pattern.compile(
      "flink-rpc-akka[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.jar");

  /** Network buffers of a streaming run on the embedded runner (measured: 64 MB stalls). */
  static final String STREAMING_NETWORK_MEMORY = "256mb";

  /** The embedded Flink's managed memory (see {@link #embeddedConfiguration}). */
  static final String EMBEDDED_MANAGED_MEMORY = "256mb";

  /** Refuses, before any data is read, what a launch of this kind cannot do. */
  static void check(TrainsetOptions options, PipelineSpec spec) {
    if (options.getSet() != null) {
      // Beam read a bare --set (no '='); the command line takes each --set=key=value itself.
      throw ConfigException.notAllowed("--set", options.getSet(), "--set=dotted.key=value");
    }
    if (!detached(options)) {
      return;
    }
    if (options.getRunner() == FlinkRunner.class && embedded(options)) {
      throw ConfigException.notAllowed("--attachedMode", "false",
          "true on the embedded runner (a detached job needs a cluster: --flinkMaster=host:port)");
    }
    if (!spec.output().onComplete().isEmpty()) {
      throw ConfigException.notAllowed("output.on_complete", spec.output().onComplete(),
          "[] on a detached launch (--attachedMode=false, Dataflow): on_complete runs in the"
              + " launching process after the job, and a detached launch does not wait for it");
    }
  }

  /** Whether a Flink run stays in this JVM ({@code [local]}, {@code [auto]}, or no master). */
  static boolean embedded(TrainsetOptions options) {
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    return master == null || master.isEmpty() || master.startsWith("[");
  }

  /**
   * The submitted job as a person finds it in the runner's UI: its id where the result tells it
   * (Dataflow's {@code getJobId}, Flink's job client), else the job name.
   */
  static String jobName(PipelineResult result, TrainsetOptions options) {
    try {
      Method getJobId = result.getClass().getMethod("getJobId");
      return "job " + getJobId.invoke(result);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not Dataflow: look for Flink's job client below.
    }
    for (Field field : result.getClass().getDeclaredFields()) {
      if (field.getType().getSimpleName().toLowerCase(Locale.ROOT).contains("jobclient")) {
        try {
          field.setAccessible(true);
          Object client = field.get(result);
          return "job " + client.getClass().getMethod("getJobID").invoke(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
          break;
        }
      }
    }
    return "job " + options.getJobName();
  }
}
