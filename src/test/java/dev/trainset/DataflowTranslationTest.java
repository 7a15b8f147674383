package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.dataflow.model.DataflowPackage;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.finish.OutputFolder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.DataflowTemplateJob;
import org.apache.beam.runners.dataflow.util.PackageUtil;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.StringUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.SnappyInputStream;

/**
 * The trainset graph as the Dataflow job a template launch would create, made offline: the real
 * DataflowRunner, given {@code --templateLocation} on a local file, translates the graph with its
 * own translator (after the same transform replacements a launch applies) and writes the job there
 * instead of submitting it. Nothing calls Google Cloud: Beam's no-op credential and path validator
 * stand in for the Cloud Storage checks, and {@link LocalStager} stages into a temporary folder.
 */
class DataflowTranslationTest {
  private static final String BUCKET = "gs://trainset-test";
  private static final String OUTPUT = BUCKET + "/out/quickstart";

  /**
   * The first part of the job's step names, in the order the job first lists them: the six stages,
   * then the writes beside them. A stage added to the graph (FinishRun) is one more entry here.
   */
  private static final List<String> STEPS = List.of("ReadDocuments", "FilterQuality",
      "ComputeWeights", "Segment", "StratifiedSplit", "WriteFormats", "Tally", "WriteSideFiles",
      "FinishRun");

  /** The run's staging folder, which FinishRun publishes into the output directory. */
  private static final String STAGING = OUTPUT + "/.staging-" + "translated";

  /** Steps that write, and the folder under the output directory each writes to. */
  private static final Map<String, String> WRITES =
      Map.of("WriteSideFiles", STAGING, "FinishRun", STAGING);

  // Held: java.util.logging keeps loggers weakly, and the translator logs a line per step.
  private static final Logger DATAFLOW_LOG = Logger.getLogger("org.apache.beam.runners.dataflow");

  @TempDir static Path work;

  private static PipelineResult result;
  private static JsonNode job;

  @BeforeAll
  static void translate() throws IOException {
    DATAFLOW_LOG.setLevel(Level.WARNING);
    Path jobFile = work.resolve("job.json");
    // The template's parameters as the launcher passes them, then what the launcher adds.
    TrainsetOptions options = templateLaunch(work, jobFile,
        "--pipeline=pipelines/quickstart.yaml",
        "--input=" + BUCKET + "/data/*.jsonl",
        "--outputDir=" + OUTPUT,
        // Every format this build registers, so that each kind of write is translated.
        "--formats=" + String.join(",", Plugins.INSTANCE.formats()),
        "--jobName=trainset-translation");

    PipelineSpec spec = SpecLoader.load(Files.readString(Path.of(options.getPipeline())),
        new SpecLoader.Overrides(options.getInput(), options.getOutputDir(), options.getFormats(),
            List.of()),
        Plugins.INSTANCE);
    Pipeline pipeline = Pipeline.create(options);
    TrainsetPipeline.build(pipeline, spec, OutputFolder.of(spec.output().dir(), "translated"),
        "DataflowRunner", 0);
    result = pipeline.run();
    job = new ObjectMapper().readTree(jobFile.toFile());
  }

  /**
   * Options for a template launch of trainset with {@code args} that the DataflowRunner turns into
   * a job in {@code jobFile} without Google Cloud: fake project and bucket, Beam's no-op path
   * validator and credentials, nothing staged but into {@code work}/staging.
   */
  static TrainsetOptions templateLaunch(Path work, Path jobFile, String... args) {
    PipelineOptionsFactory.register(TrainsetOptions.class);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(
        "--runner=DataflowRunner",
        "--project=trainset-test",
        "--region=europe-west1",
        "--gcpTempLocation=" + BUCKET + "/tmp",
        "--templateLocation=" + jobFile,
        "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory"));
    TrainsetOptions options = PipelineOptionsFactory.fromArgs(all.toArray(String[]::new))
        .withValidation()
        .as(TrainsetOptions.class);
    DataflowPipelineOptions dataflow = options.as(DataflowPipelineOptions.class);
    // Left unset, the runner would stage every jar on the test classpath.
    dataflow.setFilesToStage(List.of());
    dataflow.setStager(new LocalStager(work.resolve("staging")));
    FileSystems.setDefaultPipelineOptions(options);
    return options;
  }

  private static List<JsonNode> steps() {
    List<JsonNode> steps = new ArrayList<>();
    job.path("steps").forEach(steps::add);
    return steps;
  }

  private static String userName(JsonNode step) {
    return step.path("properties").path("user_name").path("value").asText();
  }

  @Test
  void theJobHasTheStagesAndTheirWritesInOrder() {
    Set<String> firstParts = new LinkedHashSet<>();
    for (JsonNode step : steps()) {
      firstParts.add(userName(step).split("/", 2)[0]);
    }
    assertEquals(STEPS, firstParts.stream().filter(STEPS::contains).toList(),
        "step names: " + firstParts);
  }

  @Test
  void theRejectedRecordsAndTheTallyAreWrittenUnderTheOutputDirectory() {
    for (Map.Entry<String, String> write : WRITES.entrySet()) {
      boolean found = steps().stream()
          .filter(step -> userName(step).startsWith(write.getKey() + "/"))
          // A ParallelDo's serialized_fn is its DoFn; a GroupByKey's is its windowing.
          .filter(step -> step.path("kind").asText().equals("ParallelDo"))
          .map(step -> step.path("properties").path("serialized_fn").path("value").asText())
          .anyMatch(fn -> serializedFn(fn).contains(write.getValue()));
      assertTrue(found, write.getKey() + " writes to " + write.getValue());
    }
  }

  /**
   * A step's DoFn as the job carries it: Java-serialized, Snappy-compressed, escaped into a JSON
   * string. Java serialization keeps a String's characters together, so the folder can be found.
   */
  private static String serializedFn(String escaped) {
    byte[] compressed = StringUtils.jsonStringToByteArray(escaped);
    try (InputStream in = new SnappyInputStream(new ByteArrayInputStream(compressed))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aBatchJob() {
    assertEquals("JOB_TYPE_BATCH", job.path("type").asText());
    assertEquals(BUCKET + "/tmp", job.path("environment").path("tempStoragePrefix").asText());
  }

  @Test
  void aTemplateLaunchGetsBackNothingToWaitFor() {
    // Why finishing the output has to be part of the graph: the launching process cannot wait.
    assertInstanceOf(DataflowTemplateJob.class, result);
    assertThrows(UnsupportedOperationException.class, result::waitUntilFinish);
  }

  /** Stages bytes into a local folder where the runner would upload them to Cloud Storage. */
  static final class LocalStager implements Stager {
    private final Path folder;

    LocalStager(Path folder) {
      this.folder = folder;
    }

    @Override
    public List<DataflowPackage> stageFiles(List<PackageUtil.StagedFile> files) {
      if (!files.isEmpty()) {
        throw new UnsupportedOperationException("this test stages no files: " + files);
      }
      return List.of();
    }

    @Override
    public DataflowPackage stageToFile(byte[] bytes, String baseName) {
      Path file = folder.resolve(baseName);
      try {
        Files.createDirectories(folder);
        Files.write(file, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new DataflowPackage().setName(baseName).setLocation(file.toString());
    }
  }
}
