/**
 * Stage 5, StratifiedSplit: assigns each example a split from the seed and its unit (group or
 * id), exact per stratum on bounded input and by hash threshold on unbounded input; and
 * SplitLeakage, the check that no content or group spans two splits.
 */
package dev.trainset.split;
