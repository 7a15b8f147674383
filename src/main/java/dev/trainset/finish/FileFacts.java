package dev.trainset.finish;

import dev.trainset.report.OutputValidation;
import java.io.Serializable;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the finishing steps know of one written file, found by reading it once where it is: its
 * path relative to the output folder, its size and SHA-256 (for manifest.json), its records where
 * they can be counted, and what reading it back with its format's rules found (for
 * validation.json), when its format has a reader. A tally file's facts carry its lines: the
 * finishing step counts from them, not from the file, which a job restored from a checkpoint
 * may hold the facts of after an earlier run published its window and removed the file.
 */
record FileFacts(
    String path,
    long bytes,
    String sha256,
    @Nullable Long records,
    OutputValidation.@Nullable FileResult readBack,
    @Nullable List<String> tallyLines)
    implements Serializable {}
