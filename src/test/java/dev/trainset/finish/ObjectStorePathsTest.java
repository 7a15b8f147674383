package dev.trainset.finish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainset.Plugins;
import dev.trainset.config.SpecLoader;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * s3:// and gs:// are Beam filesystems of the default jar: paths of either are resolved by their
 * own filesystem, offline (no request is made to build a path), for inputs, output and staging.
 */
class ObjectStorePathsTest {
  @BeforeAll
  static void registerFilesystems() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
  }

  @Test
  void theS3AndGcsFilesystemsAreRegistered() {
    Set<String> registrars = new TreeSet<>();
    for (FileSystemRegistrar registrar : ServiceLoader.load(FileSystemRegistrar.class)) {
      registrars.add(registrar.getClass().getName());
    }
    assertTrue(registrars.containsAll(List.of(
        "org.apache.beam.sdk.io.aws2.s3.S3FileSystemRegistrar",
        "org.apache.beam.sdk.extensions.gcp.storage.GcsFileSystemRegistrar")), registrars::toString);
  }

  @Test
  void objectStorePathsResolveThroughTheirOwnFilesystem() {
    ResourceId s3 = FileSystems.matchNewResource("s3://bucket/out/jsonl/train.jsonl", false);
    assertEquals("s3", s3.getScheme());
    assertEquals("org.apache.beam.sdk.io.aws2.s3.S3ResourceId", s3.getClass().getName());
    assertEquals("s3://bucket/out/jsonl/", s3.getCurrentDirectory().toString());
    ResourceId gcs = FileSystems.matchNewResource("gs://bucket/out/", true);
    assertEquals("gs", gcs.getScheme());
    assertEquals("gs://bucket/out/_report/stats.json",
        gcs.resolve("_report/stats.json",
            org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE)
            .toString());
  }

  @Test
  void theOutputFolderAndItsStagingStayInTheBucket() {
    OutputFolder s3 = OutputFolder.of("s3://bucket/datasets/run/", "20261202-abc");
    assertEquals("s3://bucket/datasets/run", s3.directory());
    assertEquals("s3://bucket/datasets/run/.staging-20261202-abc", s3.staging());
    OutputFolder gcs = OutputFolder.of("gs://bucket/datasets/run", "20261202-abc");
    assertEquals("gs://bucket/datasets/run/.staging-20261202-abc", gcs.staging());
  }

  @Test
  void aDatasetFolderInABucketIsItsDataFiles() {
    assertEquals(List.of("s3://bucket/hf/data/*.parquet", "gs://bucket/hf/data/*.parquet",
            "s3://bucket/hf/data/train-*.parquet"),
        SpecLoader.load("input: {paths: ['s3://bucket/hf', 'gs://bucket/hf/',"
                + " 's3://bucket/hf/data/train-*.parquet'], format: huggingface}",
            SpecLoader.Overrides.NONE, Plugins.INSTANCE).input().globs());
  }
}
