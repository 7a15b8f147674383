package dev.trainset.model;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Puts a keyed value under its key's group at a {@link Grain}: {@code KV<group, KV<member,
 * value>>}, from which {@link Grain#key} gives the key back.
 */
public final class ToGroupFn<V> extends DoFn<KV<String, V>, KV<String, KV<String, V>>> {
  private final Grain grain;

  public ToGroupFn(Grain grain) {
    this.grain = grain;
  }

  @ProcessElement
  public void process(@Element KV<String, V> keyed, OutputReceiver<KV<String, KV<String, V>>> out) {
    String key = keyed.getKey();
    out.output(KV.of(grain.group(key), KV.of(grain.member(key), keyed.getValue())));
  }
}
