package dev.trainset.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Beam file's channel as Parquet's random-access input; it names the file in messages. */
public final class ChannelInputFile implements InputFile {
  private final SeekableByteChannel channel;
  private final String path;

  public ChannelInputFile(SeekableByteChannel channel, String path) {
    this.channel = channel;
    this.path = path;
  }

  @Override
  public long getLength() throws IOException {
    return channel.size();
  }

  @Override
  public SeekableInputStream newStream() {
    // The channel is closed by whoever opened it, not by each stream Parquet opens on it.
    InputStream unclosed = new FilterInputStream(Channels.newInputStream(channel)) {
      @Override
      public void close() {}
    };
    return new DelegatingSeekableInputStream(unclosed) {
      @Override
      public long getPos() throws IOException {
        return channel.position();
      }

      @Override
      public void seek(long position) throws IOException {
        channel.position(position);
      }
    };
  }

  @Override
  public String toString() {
    return path;
  }
}
