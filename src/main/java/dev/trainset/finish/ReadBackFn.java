package dev.trainset.finish;

import dev.trainset.config.PipelineSpec;
import dev.trainset.formats.FileCheck;
import dev.trainset.formats.FormatDescriptor;
import dev.trainset.formats.Formats;
import dev.trainset.formats.HuggingFaceCard;
import dev.trainset.report.OutputValidation;
import java.io.IOException;
import dev.trainset.model.Windows;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * Reads one written file, on the worker that gets it: its bytes through SHA-256 once, and on the
 * way, decompressed, through its format's reader when the format has one (the records a trainer
 * would load, and their problems). Parquet files count their rows from the footer; JSON-lines
 * side outputs ({@code _rejected}, {@code _validation}) their lines; the tally is kept as text.
 */
final class ReadBackFn extends DoFn<String, FileFacts> {
  private final PipelineSpec.Output output;
  private final String staging;

  ReadBackFn(PipelineSpec.Output output, String staging) {
    this.output = output;
    this.staging = staging;
  }

  @ProcessElement
  public void process(@Element String path, BoundedWindow window, OutputReceiver<FileFacts> out)
      throws IOException {
    out.output(read(output, Windows.place(staging, window), path));
  }

  static FileFacts read(PipelineSpec.Output output, String staging, String path)
      throws IOException {
    String relative = path.startsWith(staging + "/") ? path.substring(staging.length() + 1) : path;
    ResourceId file = FileSystems.matchNewResource(path, false);
    String top = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
    Optional<FormatDescriptor> format = output.formats().contains(top)
        ? Formats.find(top) : Optional.empty();
    FileCheck check = format.flatMap(f -> f.reader(output)).map(r -> r.fileCheck()).orElse(null);
    MessageDigest sha256 = sha256();
    long bytes;
    Long records = null;
    OutputValidation.FileResult readBack = null;
    List<String> tallyLines = null;
    try (CountingInput raw = new CountingInput(
        new DigestInputStream(Channels.newInputStream(FileSystems.open(file)), sha256))) {
      // A reader closes what it reads; the raw stream must stay open to hash the rest.
      InputStream data = Channels.newInputStream(Compression.detect(file.getFilename())
          .readDecompressed(Channels.newChannel(new FilterInputStream(raw) {
            @Override
            public void close() {}
          })));
      if (check != null) {
        readBack = OutputValidation.checkFile(check, data, relative, 0);
        records = readBack.records();
      } else if (top.equals(FinishRun.TALLY)) {
        tallyLines = new String(data.readAllBytes(), StandardCharsets.UTF_8).lines()
            .filter(line -> !line.isEmpty()).toList();
        records = (long) tallyLines.size();
      } else if (top.startsWith("_") && relative.matches(".*\\.jsonl(\\.gz|\\.zst)?")) {
        records = lines(data);
      }
      // What a reader left unread is hashed too: the digest is of the whole file.
      raw.transferTo(OutputStream.nullOutputStream());
      bytes = raw.count();
    }
    if (readBack != null) {
      readBack = readBack.withBytes(bytes);
    } else if (format.isPresent() && format.get().kind().parquet()) {
      records = HuggingFaceCard.rowCount(file);
    }
    return new FileFacts(relative, bytes, HexFormat.of().formatHex(sha256.digest()), records,
        readBack, tallyLines);
  }

  /** Newline-terminated lines, and a last line without one. */
  private static long lines(InputStream in) throws IOException {
    long lines = 0;
    int last = '\n';
    byte[] buffer = new byte[1 << 16];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          lines++;
        }
      }
      if (n > 0) {
        last = buffer[n - 1];
      }
    }
    return last == '\n' ? lines : lines + 1;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Counts the raw bytes read, so a file's size is what was hashed. */
  private static final class CountingInput extends FilterInputStream {
    private long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    long count() {
      return count;
    }
  }
}
