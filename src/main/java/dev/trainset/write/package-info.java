/**
 * Stage 6, WriteFormats: every example in every format of {@code output.formats}, in
 * deterministic shards ({@code OrderedShards}, {@code ShardNaming}), with what a format cannot
 * represent sent to {@code _validation/}; also the JSON-lines writer of the rejected and tally
 * outputs. How a format encodes an example belongs in {@code formats}, not here.
 */
package dev.trainset.write;
