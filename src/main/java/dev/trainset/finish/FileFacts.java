package dev.trainset.finish;

import dev.trainset.report.OutputValidation;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the finishing steps know of one written file, found by reading it once where it is: its
 * path relative to the output folder, its size and SHA-256 (for manifest.json), its records where
 * they can be counted, and what reading it back with its format's rules found (for
 * validation.json), when its format has a reader.
 */
record FileFacts(
    String path,
    long bytes,
    String sha256,
    @Nullable Long records,
    OutputValidation.@Nullable FileResult readBack)
    implements Serializable {}
