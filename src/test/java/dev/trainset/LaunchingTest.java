package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class LaunchingTest {
  private static final String BATCH =
      "name: t\ninput: {paths: [in.jsonl]}\nfields: {style: text, text: text}\n";

  private static PipelineSpec spec() {
    return SpecLoader.load(BATCH,
        new SpecLoader.Overrides(List.of(), null, List.of(), List.of()), Plugins.INSTANCE);
  }

  private static String embeddedConfiguration(String... args) throws Exception {
    TrainsetOptions options = PipelineOptionsFactory.fromArgs(args).as(TrainsetOptions.class);
    Launching.embeddedConfiguration(options, spec());
    String folder = options.as(FlinkPipelineOptions.class).getFlinkConfDir();
    return folder == null ? null : Files.readString(Path.of(folder, "config.yaml"));
  }

  @Test
  void theEmbeddedRunnerGetsItsManagedMemoryAndNoHadoopDelegationTokens() throws Exception {
    // Without the second line every job failed on JDK 25 (getSubject is not supported).
    assertEquals("taskmanager.memory.managed.size: " + Launching.EMBEDDED_MANAGED_MEMORY + "\n"
            + "security.delegation.tokens.enabled: false\n",
        embeddedConfiguration("--runner=FlinkRunner"));
  }

  @Test
  void aClusterOrAGivenConfigurationIsLeftAsItIs() throws Exception {
    assertEquals(null, embeddedConfiguration("--runner=FlinkRunner", "--flinkMaster=host:8081"));
    TrainsetOptions given = PipelineOptionsFactory
        .fromArgs("--runner=FlinkRunner", "--flinkConfDir=/etc/flink").as(TrainsetOptions.class);
    Launching.embeddedConfiguration(given, spec());
    assertEquals("/etc/flink", given.as(FlinkPipelineOptions.class).getFlinkConfDir());
  }
}
