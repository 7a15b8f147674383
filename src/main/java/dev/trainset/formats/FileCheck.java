package dev.trainset.formats;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one file of a format back, as a trainer would load it: every record it holds and what is
 * wrong with it. The run reads every written file back with it, and {@code trainset validate}
 * checks existing files by the same rules.
 */
@FunctionalInterface
public interface FileCheck {
  /** Reads {@code file} (the decompressed bytes of one file) to its end, telling {@code readBack}. */
  void check(InputStream file, ReadBack readBack) throws IOException;
}
