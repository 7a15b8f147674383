package dev.trainset.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Parquet sink whose footer lists each column chunk's encodings in one order (by number), so
 * that the same rows give the same bytes in every JVM. parquet-java lists them in the iteration
 * order of a {@code HashSet} of enum constants, whose hash codes are identity hash codes and
 * differ from one JVM to the next (apache/parquet-java#3215, unfixed in 1.13 to 1.15).
 *
 * <p>The last {@link #HOLD} bytes written are held back until the file is closed, when the footer
 * among them is read, put in order and written out; a footer larger than that (thousands of row
 * groups) is left as written.
 */
final class SortedEncodingsSink implements FileIO.Sink<GenericRecord> {
  static final int HOLD = 4 << 20;
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final FileIO.Sink<GenericRecord> parquet;
  private transient @Nullable FooterHoldingChannel channel;

  SortedEncodingsSink(FileIO.Sink<GenericRecord> parquet) {
    this.parquet = parquet;
  }

  @Override
  public void open(WritableByteChannel out) throws IOException {
    channel = new FooterHoldingChannel(out);
    parquet.open(channel);
  }

  @Override
  public void write(GenericRecord row) throws IOException {
    parquet.write(row);
  }

  @Override
  public void flush() throws IOException {
    parquet.flush();
    // ParquetIO closes the channel when it writes the footer; closing again does nothing.
    if (channel != null) {
      channel.close();
    }
  }

  /** The footer with every column chunk's encodings in order, or null when it is unchanged. */
  static byte @Nullable [] sortedFooter(byte[] footer) throws IOException {
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
    boolean changed = false;
    for (RowGroup group : metadata.getRow_groups()) {
      for (ColumnChunk chunk : group.getColumns()) {
        ColumnMetaData column = chunk.getMeta_data();
        if (column == null || column.getEncodings() == null) {
          continue;
        }
        List<Encoding> sorted = column.getEncodings().stream()
            .sorted(Comparator.comparingInt(Encoding::getValue))
            .collect(Collectors.toList());
        if (!sorted.equals(column.getEncodings())) {
          column.setEncodings(sorted);
          changed = true;
        }
      }
    }
    if (!changed) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(footer.length);
    Util.writeFileMetaData(metadata, out);
    return out.toByteArray();
  }

  /** Passes bytes on but the last {@link #HOLD}; on close, puts the footer in order first. */
  private static final class FooterHoldingChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private byte[] held = new byte[1 << 16];
    private int length;
    private boolean open = true;

    FooterHoldingChannel(WritableByteChannel out) {
      this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int written = src.remaining();
      while (src.hasRemaining()) {
        if (length == held.length) {
          if (held.length < 2 * HOLD) {
            held = Arrays.copyOf(held, Math.min(2 * HOLD, held.length * 2));
          } else {
            // Pass on all but the last HOLD bytes.
            pass(held, 0, length - HOLD);
            System.arraycopy(held, length - HOLD, held, 0, HOLD);
            length = HOLD;
          }
        }
        int n = Math.min(src.remaining(), held.length - length);
        src.get(held, length, n);
        length += n;
      }
      return written;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      if (!open) {
        return;
      }
      open = false;
      byte[] tail = withSortedFooter(Arrays.copyOf(held, length));
      held = new byte[0];
      pass(tail, 0, tail.length);
      out.close();
    }

    /** {@code tail} with its footer in order, when it holds the whole footer. */
    private static byte[] withSortedFooter(byte[] tail) throws IOException {
      int n = tail.length;
      if (n < 8 || !Arrays.equals(tail, n - 4, n, MAGIC, 0, 4)) {
        return tail;
      }
      int footerLength = ByteBuffer.wrap(tail, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      int start = n - 8 - footerLength;
      if (footerLength <= 0 || start < 0) {
        return tail;
      }
      byte[] sorted = sortedFooter(Arrays.copyOfRange(tail, start, n - 8));
      if (sorted == null) {
        return tail;
      }
      ByteBuffer fixed = ByteBuffer.allocate(start + sorted.length + 8).order(ByteOrder.LITTLE_ENDIAN);
      fixed.put(tail, 0, start).put(sorted).putInt(sorted.length).put(MAGIC);
      return fixed.array();
    }

    private void pass(byte[] bytes, int from, int to) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, from, to - from);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    }
  }
}
