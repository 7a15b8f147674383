package dev.trainset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainset.model.Json;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A whole run of the jar against an S3-compatible store on 127.0.0.1 (S3Proxy with its in-memory
 * store, from Maven Central through runners/s3proxy/pom.xml): the pipeline file, JSON lines and
 * Parquet input, and the output all on s3://, credentials from the AWS default chain (the
 * environment), and the secret never printed. Skips, saying why, when S3Proxy cannot be resolved.
 */
class ObjectStoreIT {
  private static final String BUCKET = "trainset-it";
  private static final String ACCESS_KEY = "trainset-it-access";
  private static final String SECRET = "trainset-it-secret-do-not-print";

  @TempDir static Path work;
  private static Process server;
  private static String endpoint;
  private static S3Client s3;

  @BeforeAll
  static void startS3Proxy() throws Exception {
    Path classpath = work.resolve("s3proxy.classpath");
    Process resolve = new ProcessBuilder("mvn", "-B", "-ntp", "-q", "-f",
        "runners/s3proxy/pom.xml", "dependency:build-classpath",
        "-Dmdep.outputFile=" + classpath)
        .redirectErrorStream(true).redirectOutput(work.resolve("resolve.log").toFile()).start();
    boolean resolved = resolve.waitFor(5, TimeUnit.MINUTES) && resolve.exitValue() == 0
        && Files.exists(classpath);
    if (!resolved) {
      resolve.destroyForcibly();
      String why = "ObjectStoreIT skipped: S3Proxy (runners/s3proxy/pom.xml) could not be resolved: "
          + Files.readString(work.resolve("resolve.log"));
      System.err.println(why);
      assumeTrue(false, why);
    }
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    Path config = Files.writeString(work.resolve("s3proxy.conf"), String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=none",
        // Beam sends x-amz-server-side-encryption-bucket-key-enabled, which S3Proxy otherwise refuses.
        "s3proxy.ignore-unknown-headers=true",
        "jclouds.provider=transient",
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET) + "\n");
    server = new ProcessBuilder("java", "-Xmx256m", "-DLOG_LEVEL=warn", "-cp",
        Files.readString(classpath).strip(), "org.gaul.s3proxy.Main", "--properties",
        config.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!answers(endpoint)) {
      assertTrue(server.isAlive(), () -> "S3Proxy exited: " + log());
      assertTrue(System.nanoTime() < deadline, () -> "S3Proxy did not answer in 90 s: " + log());
      Thread.sleep(500);
    }
    s3 = S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
        .build();
    s3.createBucket(request -> request.bucket(BUCKET));
  }

  @AfterAll
  static void stopS3Proxy() throws InterruptedException {
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static boolean answers(String url) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url + "/").toURL().openConnection();
      connection.setConnectTimeout(1000);
      return connection.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static String log() {
    try {
      return Files.readString(work.resolve("s3proxy.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void put(String key, byte[] bytes) {
    s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
  }

  private static String get(String key) {
    return s3.getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asUtf8String();
  }

  private static byte[] parquetRows() throws IOException {
    Schema schema = SchemaBuilder.record("row").fields()
        .requiredString("id").requiredString("instruction").requiredString("output").endRecord();
    File file = work.resolve("rows.parquet").toFile();
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
            HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toURI()),
                new Configuration(false)))
        .withSchema(schema).build()) {
      for (String id : List.of("p1", "p2")) {
        GenericRecord row = new GenericData.Record(schema);
        row.put("id", id);
        row.put("instruction", "What does record " + id + " say?");
        row.put("output", "Record " + id + " was read from Parquet in a bucket.");
        writer.write(row);
      }
    }
    return Files.readAllBytes(file.toPath());
  }

  @Test
  void aRunReadsAndWritesABucket() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (String id : List.of("j1", "j2", "j3")) {
      lines.append("{\"id\": \"").append(id).append("\", \"instruction\": \"What does record ")
          .append(id).append(" say?\", \"output\": \"Record ").append(id)
          .append(" was read from JSON lines in a bucket.\"}\n");
    }
    put("in/records.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
    put("in/rows.parquet", parquetRows());
    put("in/notes.parquet", "not a parquet file\n".getBytes(StandardCharsets.UTF_8));
    put("pipelines/bucket.yaml", ("name: bucket\n"
        + "input: {paths: ['s3://" + BUCKET + "/in/*']}\n"
        + "fields: {style: instruction}\n"
        + "split: {ratios: {train: 0.6, test: 0.4}}\n"
        + "output: {dir: 's3://" + BUCKET + "/out', formats: [jsonl, parquet]}\n")
        .getBytes(StandardCharsets.UTF_8));

    List<String> command = new ArrayList<>(List.of("java", "-Xmx1g", "-jar",
        System.getProperty("trainset.jar", "target/trainset.jar"),
        "--pipeline=s3://" + BUCKET + "/pipelines/bucket.yaml", "--awsRegion=us-east-1",
        "--endpoint=" + endpoint));
    ProcessBuilder run = new ProcessBuilder(command)
        .redirectOutput(work.resolve("run.out").toFile())
        .redirectError(work.resolve("run.err").toFile());
    // The AWS default provider chain reads these; trainset is never told the secret.
    run.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    run.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
    Process process = run.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("trainset did not finish in 5 minutes");
    }
    String out = Files.readString(work.resolve("run.out"));
    String err = Files.readString(work.resolve("run.err"));
    assertEquals(0, process.exitValue(), err);
    assertTrue(out.startsWith("trainset: bucket: read 6, exported 5"), out);
    assertFalse(out.contains(SECRET) || err.contains(SECRET), "the secret was printed");

    Set<String> keys = new TreeSet<>();
    for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(BUCKET)
        .prefix("out/")).contents()) {
      keys.add(object.key());
    }
    assertTrue(keys.contains("out/_SUCCESS"), keys::toString);
    assertTrue(keys.stream().noneMatch(key -> key.contains(".staging-")), keys::toString);
    JsonNode stats = Json.MAPPER.readTree(get("out/_report/stats.json"));
    assertEquals(6, stats.get("records_read").asLong());
    assertEquals(5, stats.get("examples_exported").asLong());
    assertEquals("{\"unreadable_file\":1}", Json.write(stats.get("rejected_by_reason")));
    Set<String> exported = new TreeSet<>();
    for (String key : keys) {
      if (key.startsWith("out/jsonl/")) {
        for (String line : get(key).split("\n")) {
          exported.add(Json.MAPPER.readTree(line).get("id").asText());
        }
      }
    }
    assertEquals(Set.of("j1", "j2", "j3", "p1", "p2"), exported);
    assertEquals(2, keys.stream().filter(key -> key.startsWith("out/parquet/")).count(),
        keys::toString);
    JsonNode rejected = Json.MAPPER.readTree(get(keys.stream()
        .filter(key -> key.startsWith("out/_rejected/")).findFirst().orElseThrow()));
    assertEquals("s3://" + BUCKET + "/in/notes.parquet", rejected.get("id").asText());
    assertFalse(get("out/_report/manifest.json").contains(SECRET));
  }
}
