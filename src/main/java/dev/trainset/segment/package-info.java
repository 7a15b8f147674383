/**
 * Stage 4, Segment: maps each document to one example through the {@code fields} section, or
 * with {@code segment.enabled} cuts it into many by patterns ({@code TextSegmenter}) or turn
 * prefixes, each example keeping {@code source_id} and {@code segment_index}. A new way to cut
 * documents is a cutter here.
 */
package dev.trainset.segment;
