package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelimiterCodecTest {

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static ByteBuffer buffer(String s) {
    return ByteBuffer.wrap(ascii(s));
  }

  @Test
  void keepsOrStripsTheDelimiter() throws Exception {
    DelimiterCodec strip = FrameCodecs.delimiter(ascii(";"), ascii("||")).build();
    DelimiterCodec keep = FrameCodecs.delimiter(ascii(";"), ascii("||")).keepDelimiter(true).build();
    assertEquals(List.of("a", "b", "end"), ChunkingRegressionTest.decode(strip, "a;b||"));
    assertEquals(List.of("a;", "b||", "end"), ChunkingRegressionTest.decode(keep, "a;b||"));
    assertEquals(buffer("a||"), strip.encodeToBuffer(buffer("a")), "encodes the longest delimiter");
    assertEquals(buffer("a;"), keep.encodeToBuffer(buffer("a;")));
    assertThrows(MalformedFrameException.class, () -> keep.encodeToBuffer(buffer("a")));
    assertThrows(MalformedFrameException.class, () -> keep.encodeToBuffer(buffer("a;b;")));
  }

  @Test
  void keptDelimiterFrameMustNotEndWithTheStartOfAnotherDelimiter() {
    // [0, 13] ends with the delimiter [13], but [0, 13, 10] starts at its first byte: a next frame
    // beginning with 10 would complete it and the two frames would decode as [0, 13, 10], [13].
    DelimiterCodec codec = FrameCodecs.delimiter(new byte[] {0, 13, 10}, new byte[] {13})
        .keepDelimiter(true).build();
    assertThrows(MalformedFrameException.class,
        () -> codec.encodeToBuffer(ByteBuffer.wrap(new byte[] {0, 13})));
    DelimiterCodec crlf = FrameCodecs.delimiter(ascii("\r"), ascii("\r\n")).keepDelimiter(true).build();
    assertThrows(MalformedFrameException.class, () -> crlf.encodeToBuffer(buffer("a\r")));
  }

  @Test
  void encoderRefusesAPayloadThatWouldNotDecodeBack() {
    DelimiterCodec codec = FrameCodecs.delimiter(ascii("aa")).build();
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer(buffer("xaay")));
    // "xa" + "aa" = "xaaa" would decode as "x": refused too.
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer(buffer("xa")));
  }

  @Test
  void maximumIsEnforcedWhileScanning() {
    DelimiterCodec codec = FrameCodecs.delimiter(ascii("\n")).maxFrameSize(100).build();
    ByteBuffer noDelimiter = ByteBuffer.allocate(1 << 20);
    FrameTooLongException e =
        assertThrows(FrameTooLongException.class, () -> codec.newDecoder().decode(noDelimiter));
    assertEquals(-1, e.length());
    assertTrue(e.getMessage().contains("more than 100 bytes"), e.getMessage());
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(ByteBuffer.allocate(101)));
  }

  @Test
  void endOfStreamInsideAFrameIsATruncation() {
    DelimiterCodec codec = FrameCodecs.delimiter(ascii("\n")).build();
    TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(buffer("abc")));
    assertEquals(3, e.receivedBytes());
    assertEquals(-1, e.missingBytes());
  }

  @Test
  void fixedLengthFrames() throws Exception {
    FrameCodec<ByteBuffer> codec = FrameCodecs.fixedLength(3);
    assertEquals(List.of("abc", "def", "end"), ChunkingRegressionTest.decode(codec, "ab", "cde", "f"));
    TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(buffer("ab")));
    assertEquals(1, e.missingBytes());
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer(buffer("ab")));
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(buffer("abcd")));
  }
}
