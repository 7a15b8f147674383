package dev.trainset.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/** Shingle sets: a count, then the 32-bit hashes. Deterministic, as a grouping key's must be. */
final class ShinglesCoder extends AtomicCoder<int[]> {
  static final ShinglesCoder INSTANCE = new ShinglesCoder();

  @Override
  public void encode(int[] value, OutputStream out) throws IOException {
    VarInt.encode(value.length, out);
    DataOutputStream data = new DataOutputStream(out);
    for (int hash : value) {
      data.writeInt(hash);
    }
    data.flush();
  }

  @Override
  public int[] decode(InputStream in) throws IOException {
    int[] value = new int[VarInt.decodeInt(in)];
    DataInputStream data = new DataInputStream(in);
    for (int i = 0; i < value.length; i++) {
      value[i] = data.readInt();
    }
    return value;
  }

  @Override
  public void verifyDeterministic() {}
}
