/**
 * Stage 1, ReadDocuments: files (JSON lines, JSON arrays, CSV; compressed or not) into
 * {@code Document}s, with every line or file that cannot be read refused at stage {@code read}.
 * A new input format is a reader here and a value of {@code input.format}.
 */
package dev.trainset.read;
