package dev.trainset.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Encodes a {@link Rejected} envelope; the original record travels as Smile. */
public final class RejectedCoder extends AtomicCoder<Rejected> {
  private static final RejectedCoder INSTANCE = new RejectedCoder();

  public static RejectedCoder of() {
    return INSTANCE;
  }

  private RejectedCoder() {}

  @Override
  public void encode(Rejected value, OutputStream out) throws IOException {
    Codings.writeString(value.id(), out);
    Codings.writeString(value.stage(), out);
    Codings.writeString(value.reason(), out);
    Codings.writeString(value.detail(), out);
    Codings.writeTree(value.original(), out);
  }

  @Override
  public Rejected decode(InputStream in) throws IOException {
    return new Rejected(
        Codings.readString(in),
        Codings.readString(in),
        Codings.readString(in),
        Codings.readString(in),
        Codings.readTree(in));
  }
}
