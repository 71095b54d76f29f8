package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chunking bugs of the anchor implementations (Netty's line, delimiter and varint decoders)
 * and the other rules of issue 3: none of them may happen here.
 */
class ChunkingRegressionTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Events from decoding {@code chunks} one after the other (each appended, then decoded). */
  static List<Object> decode(FrameCodec<?> codec, String... chunks) {
    StringBuilder all = new StringBuilder();
    int[] sizes = new int[chunks.length];
    for (int i = 0; i < chunks.length; i++) {
      all.append(chunks[i]);
      sizes[i] = chunks[i].length();
    }
    byte[] bytes = ascii(all.toString());
    List<Object> events = Decoding.run(codec, bytes, sizes).events;
    List<Object> readable = new ArrayList<>();
    for (Object e : events) {
      if (e instanceof List) {
        StringBuilder sb = new StringBuilder();
        for (Object b : (List<?>) e) {
          sb.append((char) (((Byte) b) & 0xFF));
        }
        readable.add(sb.toString());
      } else {
        readable.add(e);
      }
    }
    return readable;
  }

  @Test
  void lineLimitIsTheSameWhenTheTerminatorIsSplit() {
    LineCodec codec = FrameCodecs.lines().maxLineLength(3).build();
    assertEquals(List.of("xyz", "end"), decode(codec, "xyz\r\n"));
    assertEquals(List.of("xyz", "end"), decode(codec, "xyz\r", "\n"));
    assertEquals(List.of("xyz", "end"), decode(codec, "x", "y", "z", "\r", "\n"));
    assertTrue(decode(codec, "wxyz\r\n").get(0).toString().startsWith("FrameTooLongException"));
    assertTrue(decode(codec, "wxyz").get(0).toString().startsWith("FrameTooLongException"));
  }

  @Test
  void delimiterLimitDoesNotCountAPartialDelimiter() {
    DelimiterCodec codec = FrameCodecs.delimiter(ascii("--"), ascii("---END")).maxFrameSize(2).build();
    assertEquals(List.of("ab", "end"), decode(codec, "ab---", "EN", "D"));
    assertEquals(List.of("ab", "end"), decode(codec, "ab-", "-"));
    assertEquals(List.of("ab", "-x", "end"), decode(codec, "ab--", "-x--"));
  }

  @Test
  void discardModeDoesNotSwallowTheNextFrameWhenTheDelimiterIsSplit() {
    DelimiterCodec codec =
        FrameCodecs.delimiter(ascii("\r\n")).maxFrameSize(3).onTooLong(TooLongPolicy.DISCARD).build();
    List<Object> split = decode(codec, "toolong\r", "\nok\r\n");
    assertEquals(3, split.size(), split.toString());
    assertTrue(split.get(0).toString().startsWith("discarded"));
    assertEquals(List.of("ok", "end"), split.subList(1, 3));
    assertEquals(split, decode(codec, "toolong\r\nok\r\n"));
    assertEquals(split, decode(codec, "too", "long", "\r", "\n", "o", "k\r", "\n"));
  }

  @Test
  void whileDiscardingAPartialDelimiterAtTheEndOfTheBufferIsKept() {
    DelimiterCodec codec =
        FrameCodecs.delimiter(ascii("XYZ")).maxFrameSize(2).onTooLong(TooLongPolicy.DISCARD).build();
    List<Object> events = decode(codec, "aaaaaaX", "Y", "Zok", "XYZ");
    assertTrue(events.get(0).toString().startsWith("discarded"));
    assertEquals(List.of("ok", "end"), events.subList(1, 3));
  }

  @Test
  void whenOneDelimiterIsAPrefixOfAnotherTheDecoderWaitsForTheNextByte() throws Exception {
    DelimiterCodec codec = FrameCodecs.delimiter(ascii("\r"), ascii("\r\n")).build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(ascii("abc\r"));
    assertNull(decoder.decode(in), "must wait: \\r may be the start of \\r\\n");
    assertEquals(0, in.position());
    assertEquals(List.of("abc", "x", "end"), decode(codec, "abc\r", "\nx\r"));
    assertEquals(List.of("abc", "", "x", "end"), decode(codec, "abc\r", "\rx\r"));
    assertEquals(List.of("abc", "x", "end"), decode(codec, "abc\r\n", "x\r"));
    // At the end of stream the shorter delimiter is chosen.
    ByteBuffer frame = decoder.decodeAtEnd(in);
    assertEquals("abc", StandardCharsets.US_ASCII.decode(frame).toString());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void varintIsNeedMoreUntilItsTerminatingByte() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().varint().build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.allocate(16);
    for (byte b : new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80}) {
      in.put(b).flip();
      assertNull(decoder.decode(in), "three continuation bytes are not a length");
      in.compact();
    }
    in.put((byte) 0x00).flip(); // terminates: the length is 1
    assertNull(decoder.decode(in));
    in.compact().put((byte) 42).flip();
    assertEquals(ByteBuffer.wrap(new byte[] {42}), decoder.decode(in));
  }

  @Test
  void varintOfMoreThanTenBytesIsMalformed() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().varint().build();
    byte[] eleven = new byte[11];
    java.util.Arrays.fill(eleven, (byte) 0x80);
    List<Object> events = Decoding.oneByteAtATime(codec, eleven).events;
    assertTrue(events.get(0).toString().startsWith("MalformedFrameException"), events.toString());
    assertEquals(events, Decoding.allAtOnce(codec, eleven).events);
  }

  @Test
  void anErrorIsTerminal() throws Exception {
    LineCodec codec = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(ascii("a\nb\r\nc\r\n"));
    MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> decoder.decode(in));
    assertEquals(1, e.offset());
    assertThrows(MalformedFrameException.class, () -> decoder.decode(in));
    assertThrows(MalformedFrameException.class, () -> decoder.decodeAtEnd(in));
  }

  @Test
  void aDelimiterCutByTheEndDoesNotHideAShorterOneAfterIt() {
    DelimiterCodec codec =
        FrameCodecs.delimiter(new byte[] {1, 0, 0}, new byte[] {0}).keepDelimiter(true).build();
    List<Object> events = Decoding.oneByteAtATime(codec, new byte[] {1, 0}).events;
    assertEquals(List.of(List.of((byte) 1, (byte) 0), "end"), events);
    assertEquals(events, Decoding.allAtOnce(codec, new byte[] {1, 0}).events);
  }

  @Test
  void aCrCutOffByTheEndIsATruncationInStrictMode() {
    for (LineCodec.FinalLine policy : LineCodec.FinalLine.values()) {
      LineCodec strict =
          FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).finalLine(policy).build();
      List<Object> events = decode(strict, "ok\r\nabc\r");
      assertEquals("ok", events.get(0));
      if (policy == LineCodec.FinalLine.DISCARD) {
        assertEquals("end", events.get(1));
      } else {
        assertTrue(events.get(1).toString().startsWith("TruncatedFrameException"), events.toString());
      }
    }
    LineCodec lenient = FrameCodecs.lines().finalLine(LineCodec.FinalLine.ACCEPT).maxLineLength(4).build();
    assertEquals(List.of("abc\r", "end"), decode(lenient, "abc\r"));
    LineCodec tight = FrameCodecs.lines().finalLine(LineCodec.FinalLine.ACCEPT).maxLineLength(3).build();
    assertEquals(List.of("abc", "end"), decode(tight, "abc\r\n"));
    assertTrue(decode(tight, "abc\r").get(0).toString().startsWith("FrameTooLongException"));
  }
}
