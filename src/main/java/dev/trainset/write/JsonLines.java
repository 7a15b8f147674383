package dev.trainset.write;

import dev.trainset.model.Grain;
import dev.trainset.model.Hashes;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes JSON lines keyed by a file prefix to {@code dir/<prefix>-SSSSS-of-NNNNN.jsonl}: the
 * rejected and validation outputs and the tally. Bounded input is written by {@link
 * OrderedShards}, lines ordered by a hash of their text, so these files too are the same on every
 * runner.
 */
public final class JsonLines extends PTransform<PCollection<KV<String, String>>, PCollection<String>> {
  private final String directory;
  private final Grain grain;

  private JsonLines(String directory, Grain grain) {
    this.directory = directory;
    this.grain = grain;
  }

  public static JsonLines to(String directory) {
    return new JsonLines(directory, Grain.FINE);
  }

  /** Writes at {@code newGrain} (see {@link OrderedShards#withGrain}). */
  public JsonLines withGrain(Grain newGrain) {
    return new JsonLines(directory, newGrain);
  }

  /** The full path of each file written. */
  @Override
  public PCollection<String> expand(PCollection<KV<String, String>> lines) {
    return lines
        .apply("SortKey", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(),
                TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings())))
            .via((KV<String, String> line) -> KV.of(line.getKey(),
                KV.of(Hashes.sha256Hex(line.getValue(), 16), line.getValue()))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(),
            KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("Write", OrderedShards.<String>to(directory, StringUtf8Coder.of(),
            prefix -> TextIO.sink(), prefix -> ".jsonl").withGrain(grain))
        .apply("Files", Values.create());
  }
}
