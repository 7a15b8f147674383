/**
 * Stage 2, FilterQuality: length and token bounds, the empty-output check, scores and tiers, the
 * heuristic quality signals ({@code QualitySignals}), exact dedup and near dedup (MinHash and LSH).
 * A new quality signal goes into {@code QualitySignals} with its bound in {@code quality.signals};
 * a new reason for refusing a record goes into the catalog of reasons in {@code model}.
 */
package dev.trainset.quality;
