package dev.trainset.finish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * {@code _report/manifest.json}: what a run wrote, the truth on a file system without renames.
 * {@code {"run", "files": [{"path", "bytes", "records", "sha256"}]}}, paths relative to the
 * output folder and sorted; {@code records} where the run can count them (data files, the
 * rejected and validation lines), else null. The manifest itself and {@code _SUCCESS} are not
 * listed.
 */
final class Manifest {
  static final String PATH = "_report/manifest.json";

  private Manifest() {}

  /** The manifest of every file staged in {@code folder}; {@code facts} of the data files. */
  static String of(OutputFolder folder, List<FileFacts> facts) throws IOException {
    Map<String, FileFacts> known =
        facts.stream().collect(Collectors.toMap(FileFacts::path, Function.identity()));
    Map<String, FileFacts> files = new TreeMap<>();
    for (MatchResult.Metadata file : folder.stagedFiles()) {
      String path = folder.relative(file.resourceId().toString());
      if (!path.equals(PATH)) {
        FileFacts fact = known.get(path);
        files.put(path, fact != null ? fact : hashed(path, file));
      }
    }
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("run", folder.runId());
    ArrayNode list = root.putArray("files");
    for (FileFacts file : files.values()) {
      ObjectNode entry = list.addObject();
      entry.put("path", file.path());
      entry.put("bytes", file.bytes());
      if (file.records() == null) {
        entry.putNull("records");
      } else {
        entry.put("records", file.records());
      }
      entry.put("sha256", file.sha256());
    }
    return Json.pretty(root);
  }

  /** {@code manifest} with the entry of {@code path} changed to the file {@code text}. */
  static String amended(String manifest, String path, String text) throws IOException {
    ObjectNode root = (ObjectNode) Json.MAPPER.readTree(manifest);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (JsonNode file : root.get("files")) {
      if (file.get("path").asText().equals(path)) {
        ((ObjectNode) file).put("bytes", bytes.length);
        ((ObjectNode) file).put("sha256",
            HexFormat.of().formatHex(ReadBackFn.sha256().digest(bytes)));
      }
    }
    return Json.pretty(root);
  }


  /** A side file the finishing step wrote itself: hashed here. */
  private static FileFacts hashed(String path, MatchResult.Metadata file) throws IOException {
    MessageDigest sha256 = ReadBackFn.sha256();
    long bytes = 0;
    try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha256.update(buffer, 0, n);
        bytes += n;
      }
    }
    return new FileFacts(path, bytes, HexFormat.of().formatHex(sha256.digest()), null, null,
        null);
  }
}
