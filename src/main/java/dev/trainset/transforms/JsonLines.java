package dev.trainset.transforms;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes JSON lines keyed by a file prefix to {@code dir/<prefix>-SSSSS-of-NNNNN.jsonl}: the
 * rejected and validation outputs.
 */
public final class JsonLines extends PTransform<PCollection<KV<String, String>>, PDone> {
  private final String directory;

  private JsonLines(String directory) {
    this.directory = directory;
  }

  public static JsonLines to(String directory) {
    return new JsonLines(directory);
  }

  @Override
  public PDone expand(PCollection<KV<String, String>> lines) {
    SerializableFunction<KV<String, String>, String> prefix = KV::getKey;
    FileIO.Write<String, KV<String, String>> write =
        FileIO.<String, KV<String, String>>writeDynamic()
            .by(prefix)
            .withDestinationCoder(StringUtf8Coder.of())
            .via(Contextful.fn(KV::getValue), TextIO.sink())
            .to(directory)
            .withNaming(name -> new ShardNaming(name, ".jsonl"));
    lines.apply("Write", ShardNaming.shardedIfUnbounded(write, lines));
    return PDone.in(lines.getPipeline());
  }
}
