package dev.trainset.finish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import dev.trainset.model.Windows;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The output directory of a run. The pipeline writes into a staging folder inside it; only when
 * the run succeeded are the staged files published over the previous ones, {@code _SUCCESS}
 * last, so a failed run leaves the last good output as it was. Works on any Beam filesystem.
 */
public final class OutputFolder implements Serializable {
  /** Written last into a published folder: the run is complete. */
  public static final String SUCCESS = "_SUCCESS";

  private static final String STAGING_PREFIX = Windows.STAGING_PREFIX;

  private final String directory;
  private final String runId;

  private OutputFolder(String directory, String runId) {
    this.directory = directory;
    this.runId = runId;
  }

  /**
   * The folder {@code dir}, with a staging folder named after {@code runId}; run ids that sort
   * later belong to later runs.
   */
  public static OutputFolder of(String dir, String runId) {
    String absolute = FileSystems.matchNewResource(dir, true).toString();
    String base = absolute.endsWith("/") ? absolute.substring(0, absolute.length() - 1) : absolute;
    return new OutputFolder(base, runId);
  }

  public String runId() {
    return runId;
  }

  /**
   * The folder of {@code window}'s export: this folder for the global window (a batch run),
   * {@code <dir>/window=<UTC start>/} for a window of a streaming run, each with its own staging
   * folder and {@code _SUCCESS}.
   */
  public OutputFolder forWindow(BoundedWindow window) {
    String folder = Windows.folder(window);
    return folder.isEmpty() ? this : new OutputFolder(directory + "/" + folder, runId);
  }

  /** {@code path} (a full path under the staging folder) relative to it. */
  String relative(String path) {
    return path.startsWith(staging() + "/") ? path.substring(staging().length() + 1) : path;
  }

  /** Every file staged so far. */
  List<MatchResult.Metadata> stagedFiles() {
    return match(staging() + "/**");
  }

  public String directory() {
    return directory;
  }

  public String staging() {
    return directory + "/" + STAGING_PREFIX + runId;
  }

  /** The files staged under {@code sub}, with their sizes; none if it does not exist. */
  public List<MatchResult.Metadata> staged(String sub) {
    return match(staging() + "/" + sub + "/**");
  }

  /** Writes {@code text} as the staged file {@code path} (relative to the staging folder). */
  public void writeStaged(String path, String text) throws IOException {
    writeText(staging() + "/" + path, text);
  }

  /**
   * Rewrites the published file {@code path} with {@code text}, after {@link #publish} (the exit
   * code of on_complete into stats.json), and its entry in manifest.json to match.
   */
  public void writePublished(String path, String text) throws IOException {
    writeText(directory + "/" + path, text);
    String manifest = directory + "/" + Manifest.PATH;
    writeText(manifest, Manifest.amended(readText(manifest), path, text));
  }

  /** The text of the published file {@code path}. */
  public String readPublished(String path) throws IOException {
    return readText(directory + "/" + path);
  }

  /** Whether the output directory holds a complete run: its {@code _SUCCESS}. */
  public boolean hasSuccess() {
    return !match(directory + "/" + SUCCESS).isEmpty();
  }

  /**
   * Stages a copy of the published file {@code path} (relative to this folder) unless this run
   * staged that file itself: a file an earlier run wrote that is still part of the export.
   */
  public void stageFromPublished(String path) throws IOException {
    if (!match(staging() + "/" + path).isEmpty()) {
      return;
    }
    FileSystems.copy(
        List.of(FileSystems.matchNewResource(directory + "/" + path, false)),
        List.of(FileSystems.matchNewResource(staging() + "/" + path, false)));
  }

  /** Removes a staged folder that is not part of the output (the tally). */
  public void dropStaged(String sub) throws IOException {
    delete(staged(sub));
  }

  /**
   * Publishes the staged files over the output directory. Never loses both outputs: the old
   * {@code _SUCCESS} goes first, so a half-replaced folder is never taken for a complete one; then
   * every staged file moves to its place (replacing the old file of that name); then the files of
   * {@code subs} this run did not write are deleted; {@code _SUCCESS} is written last. A failure
   * midway leaves a folder without {@code _SUCCESS} and the rest of the staged files where they
   * are. Staging folders of earlier runs that were killed are removed.
   */
  public void publish(List<String> subs) throws IOException {
    delete(match(directory + "/" + SUCCESS));
    List<MatchResult.Metadata> staged = stagedFiles();
    Set<String> published = new HashSet<>();
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    for (MatchResult.Metadata file : staged) {
      String path = relative(file.resourceId().toString());
      published.add(path);
      from.add(file.resourceId());
      to.add(FileSystems.matchNewResource(directory + "/" + path, false));
    }
    try {
      FileSystems.rename(from, to, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new IOException("publishing " + staged.size() + " files from " + staging() + " to "
          + directory + " failed (" + e.getMessage() + "); " + directory + " has no " + SUCCESS
          + " until a run publishes again", e);
    }
    List<MatchResult.Metadata> stale = new ArrayList<>();
    for (String sub : subs) {
      for (MatchResult.Metadata file : match(directory + "/" + sub + "/**")) {
        String path = file.resourceId().toString().substring(directory.length() + 1);
        if (!published.contains(path)) {
          stale.add(file);
        }
      }
    }
    delete(stale);
    removeLocalFolders(staging());
    removeEarlierStaging();
    writeText(directory + "/" + SUCCESS, "");
  }

  /** Throws the staging folder away, after a run that failed before it published anything. */
  public void discard() {
    try {
      delete(stagedFiles());
      removeLocalFolders(staging());
    } catch (IOException | RuntimeException e) {
      // A failed run is being reported already; the next run removes the leftover.
    }
  }

  /** What killed runs left: staging folders of runs that started before this one. */
  private void removeEarlierStaging() throws IOException {
    Set<String> earlier = new TreeSet<>();
    for (MatchResult.Metadata file : match(directory + "/" + STAGING_PREFIX + "*/**")) {
      String rest = file.resourceId().toString().substring(directory.length() + 1);
      String folder = rest.substring(0, rest.indexOf('/'));
      if (folder.substring(STAGING_PREFIX.length()).compareTo(runId) < 0) {
        earlier.add(folder);
        delete(List.of(file));
      }
    }
    for (String folder : earlier) {
      removeLocalFolders(directory + "/" + folder);
    }
  }

  /** Object stores have no folders; on a local disk the emptied staging tree must go. */
  private static void removeLocalFolders(String folder) throws IOException {
    if (!"file".equals(FileSystems.matchNewResource(folder, true).getScheme())) {
      return;
    }
    Path root = Paths.get(folder);
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String readText(String path) throws IOException {
    ResourceId file = FileSystems.matchSingleFileSpec(path).resourceId();
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
