package dev.trainset.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable hashes: the same input gives the same value on every runner, JVM and run. */
public final class Hashes {
  private static final HexFormat HEX = HexFormat.of();

  private Hashes() {}

  /** The first {@code hexChars} hex digits of the SHA-256 of {@code text} (UTF-8). */
  public static String sha256Hex(String text, int hexChars) {
    return HEX.formatHex(sha256(text.getBytes(StandardCharsets.UTF_8))).substring(0, hexChars);
  }

  /** A uniform value in [0, 1) drawn from {@code seed} and {@code key}. */
  public static double unitInterval(long seed, String key) {
    byte[] digest = sha256((seed + ":" + key).getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(digest).getLong() >>> 11;
    return bits * 0x1.0p-53;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
