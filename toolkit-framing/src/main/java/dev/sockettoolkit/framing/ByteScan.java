package dev.sockettoolkit.framing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds the first byte of a small set in a range, eight bytes at a time where it can: the inner
 * loop of the delimiter and line codecs. A set of one or two bytes is matched with word-wide
 * arithmetic on a long read from the array (a byte of {@code w ^ pattern} is zero where it
 * matches); larger sets fall back to a table lookup per byte.
 *
 * <p>Immutable and thread-safe.
 */
final class ByteScan {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /** Which bytes are in the set. */
  private final boolean[] table;
  /** The set's bytes repeated in every byte of a long, when it has one or two; else 0. */
  private final long pattern1;
  private final long pattern2;
  /** How many distinct bytes the set has. */
  private final int size;

  /** A scan for every byte {@code b} with {@code table[b & 0xFF]}; the table is copied. */
  ByteScan(boolean[] table) {
    this.table = table.clone();
    int count = 0;
    long p1 = 0;
    long p2 = 0;
    for (int b = 0; b < 256; b++) {
      if (table[b]) {
        count++;
        if (count == 1) {
          p1 = ONES * b;
        } else if (count == 2) {
          p2 = ONES * b;
        }
      }
    }
    this.size = count;
    this.pattern1 = p1;
    this.pattern2 = p2;
  }

  /**
   * The first absolute index in {@code [from, to)} of {@code in} whose byte is in the set, or
   * {@code to}. Changes nothing in {@code in}.
   */
  int indexIn(ByteBuffer in, int from, int to) {
    if (in.hasArray()) {
      int base = in.arrayOffset();
      return indexIn(in.array(), base + from, base + to) - base;
    }
    boolean[] t = table;
    int i = from;
    while (i < to && !t[in.get(i) & 0xFF]) {
      i++;
    }
    return i;
  }

  /** The first index in {@code [from, to)} of {@code a} whose byte is in the set, or {@code to}. */
  int indexIn(byte[] a, int from, int to) {
    int i = from;
    if (size == 0) {
      return to;
    }
    if (size == 1) {
      long p1 = pattern1;
      for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
        long found = zeroBytes((long) LONGS.get(a, i) ^ p1);
        if (found != 0) {
          return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
      }
    } else if (size == 2) {
      long p1 = pattern1;
      long p2 = pattern2;
      for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
        long w = (long) LONGS.get(a, i);
        long found = zeroBytes(w ^ p1) | zeroBytes(w ^ p2);
        if (found != 0) {
          // The lowest flag is exact (only flags above a true zero byte can be false).
          return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
      }
    }
    boolean[] t = table;
    while (i < to && !t[a[i] & 0xFF]) {
      i++;
    }
    return i;
  }

  /** The high bit set in each byte of {@code v} that is zero (and possibly in higher bytes). */
  private static long zeroBytes(long v) {
    return (v - ONES) & ~v & HIGHS;
  }
}
