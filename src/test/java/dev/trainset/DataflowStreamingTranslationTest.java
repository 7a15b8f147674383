package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainset.config.PipelineSpec;
import dev.trainset.config.SpecLoader;
import dev.trainset.finish.OutputFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.beam.model.pipeline.v1.RunnerApi;
import org.apache.beam.sdk.Pipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming pipeline (pipelines/stream.yaml: Kafka without end, one export per window) as a
 * Flex Template launch would hand it to Dataflow: the real DataflowRunner translates it offline,
 * as {@link DataflowTranslationTest} does the batch one, into a streaming job that reads Kafka,
 * runs the six stages, remembers contents across windows and finishes each window itself.
 */
class DataflowStreamingTranslationTest {
  private static final String BUCKET = "gs://trainset-test";
  private static final Logger DATAFLOW_LOG = Logger.getLogger("org.apache.beam.runners.dataflow");

  @TempDir static Path work;

  private static JsonNode job;

  @BeforeAll
  static void translate() throws IOException {
    DATAFLOW_LOG.setLevel(Level.WARNING);
    Path jobFile = work.resolve("job.json");
    TrainsetOptions options = DataflowTranslationTest.templateLaunch(work, jobFile,
        "--pipeline=pipelines/stream.yaml",
        "--outputDir=" + BUCKET + "/out/stream",
        "--jobName=trainset-streaming-translation",
        // Kafka on Dataflow reads through Runner v2 (its splittable read lists partitions on
        // the workers; the legacy read would ask the brokers while translating).
        "--experiments=use_runner_v2");

    PipelineSpec spec = SpecLoader.load(Files.readString(Path.of(options.getPipeline())),
        new SpecLoader.Overrides(List.of(), options.getOutputDir(), List.of(), List.of()),
        Plugins.INSTANCE);
    OutputFolder folder = OutputFolder.of(spec.output().dir(), "translated");
    // What the launcher does for unbounded input, before building the graph.
    Launching.streaming(options, spec, folder.directory() + "/_checkpoints",
        new PrintStream(PrintStream.nullOutputStream()));
    Pipeline pipeline = Pipeline.create(options);
    TrainsetPipeline.build(pipeline, spec, folder, "DataflowRunner", 0);
    pipeline.run();
    job = new ObjectMapper().readTree(jobFile.toFile());
  }

  /**
   * The transforms of the portable pipeline the runner staged for the job (a Runner v2 job
   * carries its graph there, not as steps).
   */
  private static List<String> stepNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> staged = Files.list(work.resolve("staging"))) {
      for (Path file : staged.filter(f -> f.getFileName().toString().endsWith(".pb")).toList()) {
        RunnerApi.Pipeline pipeline = RunnerApi.Pipeline.parseFrom(Files.readAllBytes(file));
        pipeline.getComponents().getTransformsMap().values()
            .forEach(transform -> names.add(transform.getUniqueName()));
      }
    }
    return names;
  }

  @Test
  void aStreamingJob() {
    assertEquals("JOB_TYPE_STREAMING", job.path("type").asText());
  }

  @Test
  void readsKafkaRunsTheStagesAndFinishesEachWindow() throws IOException {
    List<String> names = stepNames();
    for (String step : List.of("ReadDocuments/Kafka", "FilterQuality/DropExactDuplicates/SeenBefore",
        "ComputeWeights", "Segment", "StratifiedSplit", "WriteFormats", "Tally",
        "FinishRun/AllFiles", "FinishRun/Publish")) {
      assertTrue(names.stream().anyMatch(name -> name.startsWith(step)),
          step + " in " + names);
    }
    // The batch run's driver element (a run that wrote nothing still finishes) is not there.
    assertTrue(names.stream().noneMatch(name -> name.startsWith("FinishRun/Run")), names.toString());
  }
}
