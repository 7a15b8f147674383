package dev.trainset.finish;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The output directory of a run. The pipeline writes into a staging folder inside it; only when
 * the run succeeded are the staged folders published over the previous ones, so a failed run
 * leaves the last good output as it was. Works on any Beam filesystem.
 */
public final class OutputFolder {
  private final String directory;
  private final String staging;

  private OutputFolder(String directory, String staging) {
    this.directory = directory;
    this.staging = staging;
  }

  /** The folder {@code dir}, with a staging folder named after {@code runId}. */
  public static OutputFolder of(String dir, String runId) {
    String absolute = FileSystems.matchNewResource(dir, true).toString();
    String base = absolute.endsWith("/") ? absolute.substring(0, absolute.length() - 1) : absolute;
    return new OutputFolder(base, base + "/.staging-" + runId);
  }

  public String directory() {
    return directory;
  }

  public String staging() {
    return staging;
  }

  /** The files staged under {@code sub}, with their sizes; none if it does not exist. */
  public List<MatchResult.Metadata> staged(String sub) {
    return match(staging + "/" + sub + "/**");
  }

  /** Every line of every file staged under {@code sub}. */
  public List<String> stagedLines(String sub) {
    List<String> lines = new ArrayList<>();
    for (MatchResult.Metadata file : staged(sub)) {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  Channels.newInputStream(FileSystems.open(file.resourceId())),
                  StandardCharsets.UTF_8))) {
        reader.lines().forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return lines;
  }

  /** Writes {@code text} as the staged file {@code path} (relative to the staging folder). */
  public void writeStaged(String path, String text) throws IOException {
    writeText(staging + "/" + path, text);
  }

  /** Writes {@code text} as the published file {@code path}, after {@link #publish}. */
  public void writePublished(String path, String text) throws IOException {
    writeText(directory + "/" + path, text);
  }

  /** Removes a staged folder that is not part of the output (the tally). */
  public void dropStaged(String sub) throws IOException {
    delete(staged(sub));
  }

  /**
   * Replaces {@code subs} of the output directory with their staged versions and removes the
   * staging folder. A sub that was not staged is removed too: it holds nothing of this run.
   */
  public void publish(List<String> subs) throws IOException {
    for (String sub : subs) {
      delete(match(directory + "/" + sub + "/**"));
    }
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    for (MatchResult.Metadata file : match(staging + "/**")) {
      String path = file.resourceId().toString();
      from.add(file.resourceId());
      to.add(FileSystems.matchNewResource(directory + path.substring(staging.length()), false));
    }
    FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    removeLocalFolders();
  }

  /** Throws the staging folder away, after a failed run. */
  public void discard() {
    try {
      delete(match(staging + "/**"));
      removeLocalFolders();
    } catch (IOException | RuntimeException e) {
      // A failed run is being reported already; a leftover staging folder is harmless.
    }
  }

  /** Object stores have no folders; on a local disk the emptied staging tree must go. */
  private void removeLocalFolders() throws IOException {
    if (!"file".equals(FileSystems.matchNewResource(staging, true).getScheme())) {
      return;
    }
    Path root = Paths.get(staging);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static void writeText(String path, String text) throws IOException {
    ResourceId file = FileSystems.matchNewResource(path, false);
    try (Writer writer =
        new OutputStreamWriter(
            Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT)),
            StandardCharsets.UTF_8)) {
      writer.write(text);
    }
  }

  private static void delete(List<MatchResult.Metadata> files) throws IOException {
    List<ResourceId> ids = files.stream().map(MatchResult.Metadata::resourceId).toList();
    FileSystems.delete(ids, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private static List<MatchResult.Metadata> match(String spec) {
    try {
      MatchResult result = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
      return result.status() == MatchResult.Status.OK ? result.metadata() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
