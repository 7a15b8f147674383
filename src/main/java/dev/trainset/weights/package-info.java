/**
 * Stage 3, ComputeWeights (explicit x length x freshness x a plug-in factor, per document), and
 * WeighExamples (clipping and {@code normalize: mean}, after Segment, on the examples). A new
 * built-in factor goes into {@code ComputeWeights}; a user's own is a {@code WeightStrategy} on the
 * classpath.
 */
package dev.trainset.weights;
