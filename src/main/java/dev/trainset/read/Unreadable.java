package dev.trainset.read;

/** A failure to read the input itself (not a syntax error): the rest of the file is lost. */
final class Unreadable extends Exception {
  Unreadable(Throwable cause) {
    super(cause.getMessage(), cause);
  }
}
