package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** {@link ByteScan} finds what a byte-by-byte loop finds, at every alignment and set size. */
class ByteScanProperties {

  /** Small sets, and all bytes but a few (a set of one or two bytes is matched word-wide). */
  @Provide
  Arbitrary<Set<Byte>> sets() {
    Arbitrary<Set<Byte>> small = Arbitraries.bytes().set().ofMinSize(0).ofMaxSize(4);
    return Arbitraries.oneOf(small, small.map(ByteScanProperties::complement));
  }

  private static Set<Byte> complement(Set<Byte> set) {
    Set<Byte> all = new HashSet<>();
    for (int b = 0; b < 256; b++) {
      if (!set.contains((byte) b)) {
        all.add((byte) b);
      }
    }
    return all;
  }

  /** Arrays drawn from few values, so that set members come often, in runs and at every offset. */
  @Provide
  Arbitrary<byte[]> arrays() {
    return Arbitraries.oneOf(
            Arbitraries.bytes().between((byte) -2, (byte) 2),
            Arbitraries.of((byte) 0, (byte) '\r', (byte) '\n', (byte) 'a', (byte) 0x80, (byte) -1),
            Arbitraries.bytes())
        .array(byte[].class)
        .ofMaxSize(80);
  }

  @Property(tries = 3000)
  void findsTheFirstMemberLikeAByteLoop(
      @ForAll("sets") Set<Byte> set,
      @ForAll("arrays") byte[] bytes,
      @ForAll @IntRange(min = 0, max = 80) int from,
      @ForAll @IntRange(min = 0, max = 80) int to) {
    from = Math.min(from, bytes.length);
    to = Math.max(from, Math.min(to, bytes.length));
    boolean[] table = new boolean[256];
    set.forEach(b -> table[b & 0xFF] = true);
    ByteScan scan = new ByteScan(table);
    int expected = from;
    while (expected < to && !table[bytes[expected] & 0xFF]) {
      expected++;
    }
    assertEquals(expected, scan.indexIn(bytes, from, to), "array");

    // A heap buffer whose array starts before its content, and a direct buffer.
    byte[] padded = new byte[bytes.length + 3];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    ByteBuffer sliced = ByteBuffer.wrap(padded, 3, bytes.length).slice();
    assertEquals(expected, scan.indexIn(sliced, from, to), "heap buffer with an array offset");
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    assertEquals(expected, scan.indexIn(direct, from, to), "direct buffer");
  }
}
