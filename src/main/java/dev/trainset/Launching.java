package dev.trainset;

import dev.trainset.config.ConfigException;
import dev.trainset.config.PipelineSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Locale;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;

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
