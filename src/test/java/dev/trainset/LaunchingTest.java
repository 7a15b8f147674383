package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

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

  @Test
  void theRpcJarThisProcessHoldsOpenIsRemovedAndAnotherProcesssIsNot(@TempDir Path temp)
      throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
    Path ours = Files.writeString(temp.resolve(unpackedRpcJarName()), "x");
    Path theirs = Files.writeString(temp.resolve(unpackedRpcJarName()), "x");
    // Flink's own jar on a Maven class path is open too, and must stay.
    Path other = Files.writeString(temp.resolve("flink-rpc-akka-loader-1.19.0.jar"), "x");
    try (InputStream open = Files.newInputStream(ours);
        InputStream alsoOpen = Files.newInputStream(other)) {
      Launching.removeUnpackedRpcJar();
      assertFalse(Files.exists(ours));
    }
    assertTrue(Files.exists(theirs));
    assertTrue(Files.exists(other));
  }

  /** A name as Flink gives its unpacked RPC jar. */
  private static String unpackedRpcJarName() {
    return "flink-rpc-akka" + UUID.randomUUID() + ".jar";
  }

  @Test
  void aRunNamesS3ByAnS3PathOrAnAwsRegion() {
    assertFalse(Launching.namesS3(List.of("--pipeline=pipelines/quickstart.yaml",
        "--outputDir=gs://bucket/out", "--set=input.paths=[in/*.jsonl]")));
    assertTrue(Launching.namesS3(List.of("--pipeline=S3://bucket/p.yaml")));
    assertTrue(Launching.namesS3(List.of("--set=output.dir=s3://bucket/out")));
    assertTrue(Launching.namesS3(List.of("--awsRegion=eu-west-1")));
    assertFalse(Launching.namesS3("input: {paths: [data/*.jsonl]}\noutput: {dir: out}\n"));
    assertTrue(Launching.namesS3("input: {paths: ['s3://bucket/in/*']}\n"));
  }

  @Test
  void aRunWithoutS3HasARegionSetSoNoneIsLookedUpAndTheLookupCanBeGivenBack() {
    TrainsetOptions options = PipelineOptionsFactory.create().as(TrainsetOptions.class);
    Launching.withoutRegionLookup(options);
    assertEquals(Region.AWS_GLOBAL, options.as(AwsOptions.class).getAwsRegion());
    Launching.withRegionLookup(options);
    assertEquals(new AwsOptions.AwsRegionFactory().create(options),
        options.as(AwsOptions.class).getAwsRegion());
  }

  @Test
  void runsWithTheSameConfigurationShareOneFolderAndAChangedFileIsWrittenAgain(@TempDir Path temp)
      throws Exception {
    Path first = Launching.configurationFolder(temp, "a: 1\n");
    assertEquals(first, Launching.configurationFolder(temp, "a: 1\n"));
    Path other = Launching.configurationFolder(temp, "a: 2\n");
    assertFalse(first.equals(other));
    Files.writeString(first.resolve("config.yaml"), "a: 1\nedited: true\n");
    assertEquals(first, Launching.configurationFolder(temp, "a: 1\n"));
    assertEquals("a: 1\n", Files.readString(first.resolve("config.yaml")));
    try (var files = Files.list(temp)) {
      assertEquals(2, files.count());
    }
    try (var files = Files.list(first)) {
      assertEquals(List.of(first.resolve("config.yaml")), files.toList());
    }
  }
}
