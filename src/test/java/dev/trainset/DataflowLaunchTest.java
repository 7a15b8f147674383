package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.services.dataflow.model.DataflowPackage;
import dev.trainset.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.dataflow.util.PackageUtil;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.options.PipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a Flex Template launcher runs it: {@code --runner=DataflowRunner} with
 * {@code --templateLocation}, offline (Beam's no-op credentials and path validator, a stager that
 * writes into a temporary folder). It must hand the job over and return at once, exit 0, without
 * waiting for the job or touching the output: the graph finishes the run.
 */
class DataflowLaunchTest {
  private static final String OUTPUT = "gs://trainset-test/out/quickstart";

  @TempDir static Path work;

  @Test
  void aDataflowLaunchReturnsOnceTheJobIsHandedOver() throws IOException {
    Path jobFile = work.resolve("job.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = Trainset.run(new String[] {
        "--pipeline=pipelines/quickstart.yaml",
        "--outputDir=" + OUTPUT,
        "--runner=DataflowRunner",
        "--project=trainset-test",
        "--region=europe-west1",
        "--jobName=trainset-launch",
        "--gcpTempLocation=gs://trainset-test/tmp",
        "--templateLocation=" + jobFile,
        "--stagerClass=" + TempFolderStager.class.getName(),
        "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory"},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.startsWith("trainset: quickstart: submitted job "), printed);
    assertTrue(printed.endsWith(" on DataflowRunner; the output is complete when " + OUTPUT
        + "/_SUCCESS exists\n"), printed);
    JsonNode job = Json.MAPPER.readTree(jobFile.toFile());
    boolean finishes = false;
    for (JsonNode step : job.path("steps")) {
      finishes |= step.path("properties").path("user_name").path("value").asText()
          .startsWith("FinishRun/");
    }
    assertTrue(finishes, "the handed-over job finishes the run itself");
  }

  /** Stages nothing anywhere but the job's own files, into a temporary folder. */
  public static final class TempFolderStager implements Stager {
    private final Path folder;

    private TempFolderStager(Path folder) {
      this.folder = folder;
    }

    /** How DataflowRunner makes a stager from {@code --stagerClass}. */
    public static TempFolderStager fromOptions(PipelineOptions options) {
      return new TempFolderStager(work.resolve("staged"));
    }

    @Override
    public List<DataflowPackage> stageFiles(List<PackageUtil.StagedFile> files) {
      return List.of();
    }

    @Override
    public DataflowPackage stageToFile(byte[] bytes, String baseName) {
      try {
        Files.createDirectories(folder);
        Files.write(folder.resolve(baseName), bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new DataflowPackage().setName(baseName).setLocation(folder.resolve(baseName).toString());
    }
  }
}
