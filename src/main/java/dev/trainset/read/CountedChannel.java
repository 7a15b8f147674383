package dev.trainset.read;

import dev.trainset.model.LocalProgress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A file's bytes as they are read, counted in {@link LocalProgress} for the progress line: the
 * launcher knows how many bytes the input files hold, so bytes read tell how far the read is.
 */
final class CountedChannel implements ReadableByteChannel {
  private final ReadableByteChannel channel;

  CountedChannel(ReadableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read(ByteBuffer buffer) throws IOException {
    int read = channel.read(buffer);
    if (read > 0) {
      LocalProgress.bytesRead(read);
    }
    return read;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
