package dev.sockettoolkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How a byte stream is cut into pieces on its way through a hostile network: every write is split
 * into chunks, and every read returns at most one chunk.
 *
 * <pre>{@code
 * NetworkConditions conditions = NetworkConditions.builder()
 *     .chunking(Chunking.random(7))   // pieces of 1 to 7 bytes
 *     .build();
 * }</pre>
 */
public final class Chunking {
  private static final Chunking WHOLE = new Chunking(0, 0);

  private final int min;
  private final int max;

  private Chunking(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /** No splitting: writes and reads move as much as they can. */
  public static Chunking whole() {
    return WHOLE;
  }

  /** Every piece is one byte: the slowest and most thorough cut. */
  public static Chunking oneByte() {
    return fixed(1);
  }

  /** Every piece is {@code size} bytes (the last of a write may be shorter). */
  public static Chunking fixed(int size) {
    checkArgument(size > 0, "chunk size must be positive, got %s", size);
    return new Chunking(size, size);
  }

  /** Pieces of 1 to {@code maxSize} bytes, drawn from the conditions' seeded random. */
  public static Chunking random(int maxSize) {
    return random(1, maxSize);
  }

  /** Pieces of {@code minSize} to {@code maxSize} bytes, drawn from the conditions' seeded random. */
  public static Chunking random(int minSize, int maxSize) {
    checkArgument(minSize > 0, "minimum chunk size must be positive, got %s", minSize);
    checkArgument(maxSize >= minSize, "maximum %s is below minimum %s", maxSize, minSize);
    return new Chunking(minSize, maxSize);
  }

  /** Whether this chunking leaves streams uncut. */
  public boolean isWhole() {
    return max == 0;
  }

  /**
   * Cuts {@code data} into the pieces this chunking makes, drawing sizes from {@code seed}: handy for
   * feeding a decoder directly.
   *
   * <pre>{@code
   * for (ByteBuffer piece : Chunking.random(5).split(encoded, seed)) {
   *   decoder.decode(piece) ...
   * }
   * }</pre>
   *
   * @return read-only views of {@code data}, in order, together covering all of it
   */
  public List<ByteBuffer> split(byte[] data, long seed) {
    Random random = new Random(seed);
    List<ByteBuffer> pieces = new ArrayList<>();
    int offset = 0;
    while (offset < data.length) {
      int size = next(random, data.length - offset);
      pieces.add(ByteBuffer.wrap(data, offset, size).slice().asReadOnlyBuffer());
      offset += size;
    }
    return pieces;
  }

  /** The size of the next piece, at most {@code available}. */
  int next(Random random, int available) {
    if (isWhole()) {
      return available;
    }
    int size = min == max ? min : min + random.nextInt(max - min + 1);
    return Math.min(size, available);
  }

  @Override
  public String toString() {
    if (isWhole()) {
      return "whole";
    }
    return min == max ? "fixed(" + min + ")" : "random(" + min + ".." + max + ")";
  }
}
