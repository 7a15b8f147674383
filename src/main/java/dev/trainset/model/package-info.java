/**
 * The record model every other package shares, and depends on nothing else of trainset: a read
 * {@code Document}, the {@code Example} cut from it, the {@code Rejected} envelope, their coders,
 * and the small facts several stages must agree on (the content key of dedup and the leakage
 * check, the stratum lookup, the {@code source_id}/{@code segment_index} keys, hashes, dates,
 * tokenizers). Add here only what two stages or a stage and the report both need.
 */
package dev.trainset.model;
