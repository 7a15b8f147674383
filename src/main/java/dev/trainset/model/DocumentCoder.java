package dev.trainset.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * Encodes a {@link Document}: strings length-prefixed, the record tree as Smile. The tree's bytes
 * are kept with the document both ways, so an unchanged record is encoded once and parsed only
 * where a step reads it.
 */
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
    Codings.writeTreeBytes(value.encodedFields(), out);
    Codings.writeDouble(value.weight(), out);
    Codings.writeMap(value.annotations(), out);
  }

  @Override
  public Document decode(InputStream in) throws IOException {
    return Document.decoded(
        Codings.readString(in),
        Codings.readString(in),
        Codings.readTreeBytes(in),
        Codings.readDouble(in),
        Codings.readMap(in));
  }
}
