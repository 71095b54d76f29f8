package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fast path of {@link TextDecoding} (heap buffers) gives what the strict {@code
 * CharsetDecoder} gives (direct buffers take it): the same text for valid input, the same offset
 * for malformed input, whatever the mix of ASCII and other bytes. With replacement both decode as
 * the charset does.
 */
class TextDecodingProperties {

  @Provide
  Arbitrary<Charset> charsets() {
    return Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1);
  }

  /** ASCII runs, valid multi-byte UTF-8 (including U+FFFD itself), and stray high bytes. */
  @Provide
  Arbitrary<byte[]> texts() {
    Arbitrary<byte[]> pieces =
        Arbitraries.oneOf(
            Arbitraries.strings().ascii().ofMaxLength(20).map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.strings().ofMaxLength(4).map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.of("\uFFFD", "é", "€", "\uD83D\uDE00").map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Arbitraries.bytes().between((byte) 0x80, (byte) 0xFF).array(byte[].class).ofMinSize(1).ofMaxSize(3),
            Arbitraries.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0x80}));
    return pieces.list().ofMaxSize(8).map(list -> {
      int n = 0;
      for (byte[] p : list) {
        n += p.length;
      }
      byte[] all = new byte[n];
      int at = 0;
      for (byte[] p : list) {
        System.arraycopy(p, 0, all, at, p.length);
        at += p.length;
      }
      return all;
    });
  }

  @Property(tries = 3000)
  void theFastPathDecodesAsTheStrictDecoder(
      @ForAll("charsets") Charset charset, @ForAll("texts") byte[] bytes) {
    ByteBuffer heap = ByteBuffer.allocate(bytes.length + 5);
    heap.position(5);
    heap.put(bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 5);
    direct.position(5);
    direct.put(bytes);
    assertEquals(
        outcome(new TextDecoding(charset, false), direct, bytes.length),
        outcome(new TextDecoding(charset, false), heap, bytes.length));
  }

  @Property(tries = 1000)
  void withReplacementBothPathsDecodeAsTheCharsetDoes(
      @ForAll("charsets") Charset charset, @ForAll("texts") byte[] bytes) throws Exception {
    String expected = new String(bytes, charset);
    ByteBuffer heap = ByteBuffer.allocate(bytes.length + 5);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 5);
    for (ByteBuffer in : new ByteBuffer[] {heap, direct}) {
      in.position(5);
      in.put(bytes);
      assertEquals(expected, new TextDecoding(charset, true).decode(in, 5, bytes.length, 100, "line"));
    }
  }

  private static String outcome(TextDecoding text, ByteBuffer in, int length) {
    try {
      return "text " + text.decode(in, 5, length, 100, "line");
    } catch (MalformedFrameException e) {
      return "malformed at " + e.offset();
    }
  }
}
