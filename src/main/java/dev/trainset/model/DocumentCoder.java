package dev.trainset.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Encodes a {@link Document}: strings length-prefixed, the record tree as Smile. */
public final class DocumentCoder extends AtomicCoder<Document> {
  private static final DocumentCoder INSTANCE = new DocumentCoder();

  public static DocumentCoder of() {
    return INSTANCE;
  }

  private DocumentCoder() {}

  @Override
  public void encode(Document value, OutputStream out) throws IOException {
    Codings.writeString(value.id(), out);
    Codings.writeString(value.origin(), out);
    Codings.writeTree(value.fields(), out);
    Codings.writeDouble(value.weight(), out);
    Codings.writeMap(value.annotations(), out);
  }

  @Override
  public Document decode(InputStream in) throws IOException {
    return new Document(
        Codings.readString(in),
        Codings.readString(in),
        (ObjectNode) Codings.readTree(in),
        Codings.readDouble(in),
        Codings.readMap(in));
  }
}
