package dev.trainset.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/** Encodes an {@link Example} field by field; no Java serialization, no JSON text. */
public final class ExampleCoder extends AtomicCoder<Example> {
  private static final ExampleCoder INSTANCE = new ExampleCoder();
  private static final Style[] STYLES = Style.values();

  public static ExampleCoder of() {
    return INSTANCE;
  }

  private ExampleCoder() {}

  @Override
  public void encode(Example value, OutputStream out) throws IOException {
    Codings.writeString(value.id(), out);
    VarInt.encode(value.style().ordinal(), out);
    Codings.writeString(value.system(), out);
    Codings.writeString(value.instruction(), out);
    Codings.writeString(value.input(), out);
    Codings.writeString(value.output(), out);
    VarInt.encode(value.messages().size(), out);
    for (Message message : value.messages()) {
      Codings.writeString(message.role(), out);
      Codings.writeString(message.content(), out);
    }
    Codings.writeString(value.text(), out);
    Codings.writeDouble(value.weight(), out);
    Codings.writeString(value.split(), out);
    Codings.writeMap(value.metadata(), out);
    Codings.writeMap(value.attributes(), out);
  }

  @Override
  public Example decode(InputStream in) throws IOException {
    String id = Codings.readString(in);
    Style style = STYLES[VarInt.decodeInt(in)];
    String system = Codings.readString(in);
    String instruction = Codings.readString(in);
    String input = Codings.readString(in);
    String output = Codings.readString(in);
    int turns = VarInt.decodeInt(in);
    List<Message> messages = new ArrayList<>(turns);
    for (int i = 0; i < turns; i++) {
      messages.add(new Message(Codings.readString(in), Codings.readString(in)));
    }
    return new Example(
        id,
        style,
        system,
        instruction,
        input,
        output,
        messages,
        Codings.readString(in),
        Codings.readDouble(in),
        Codings.readString(in),
        Codings.readMap(in),
        Codings.readMap(in));
  }
}
