package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
  void aFrameOfExactlyTheMaximumIsEncodedAndDecoded() throws Exception {
    DelimiterCodec strip = FrameCodecs.delimiter(ascii(";")).maxFrameSize(3).build();
    assertEquals(buffer("abc;"), strip.encodeToBuffer(buffer("abc")));
    assertEquals(buffer("abc"), strip.newDecoder().decode(buffer("abc;")));
    DelimiterCodec keep = FrameCodecs.delimiter(ascii(";")).keepDelimiter(true).maxFrameSize(3).build();
    assertEquals(buffer("abc;"), keep.encodeToBuffer(buffer("abc;")));
    assertEquals(buffer("abc;"), keep.newDecoder().decode(buffer("abc;")));
  }

  @Test
  void encodesTheFirstOfTheLongestDelimiters() throws Exception {
    DelimiterCodec codec =
        FrameCodecs.delimiter(ascii(";"), ascii("##"), ascii("%%"), ascii("|")).build();
    assertEquals(buffer("a##"), codec.encodeToBuffer(buffer("a")));
  }

  @Test
  void aKeptDelimiterFrameIsADelimiterAfterContentThatMayBeEmpty() throws Exception {
    DelimiterCodec keep = FrameCodecs.delimiter(ascii(";"), ascii("||")).keepDelimiter(true).build();
    assertEquals(buffer(";"), keep.encodeToBuffer(buffer(";")));
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> keep.encodeToBuffer(buffer("")));
    assertEquals("a frame sent with keepDelimiter must end with exactly one delimiter, contain no"
        + " other, and not end with the start of a longer one", e.getMessage());
  }

  @Test
  void encoderReadsTheFrameFromItsPositionAndLeavesItThere() throws Exception {
    DelimiterCodec crlf = FrameCodecs.delimiter(ascii("\r\n")).build();
    ByteBuffer frame = buffer("--a\rb\rc").position(2);
    assertEquals(buffer("a\rb\rc\r\n"), crlf.encodeToBuffer(frame));
    assertEquals(2, frame.position());
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> crlf.encodeToBuffer(buffer("--a\rb\r\nc").position(2)));
    assertEquals("the payload contains a delimiter (or the start of one that its terminating"
        + " delimiter completes), so it would not decode as one frame (at byte offset 3)",
        e.getMessage());
    DelimiterCodec keep = FrameCodecs.delimiter(ascii("\r\n")).keepDelimiter(true).build();
    assertEquals(buffer("a\rb\r\n"), keep.encodeToBuffer(buffer("--a\rb\r\n").position(2)));
  }

  @Test
  void builderLimitsAreInclusiveAndTheirMessagesNameTheValueAndTheLimit() {
    assertEquals(DelimiterCodec.DEFAULT_MAX_FRAME_SIZE,
        FrameCodecs.delimiter(ascii(";")).build().maxFrameSize());
    assertEquals(0, FrameCodecs.delimiter(ascii(";")).maxFrameSize(0).build().maxFrameSize());
    assertEquals(Integer.MAX_VALUE - 1024,
        FrameCodecs.delimiter(ascii(";")).maxFrameSize(Integer.MAX_VALUE - 1024).build().maxFrameSize());
    assertEquals("maxFrameSize must be between 0 and 2^31-1025, got -1",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.delimiter(ascii(";")).maxFrameSize(-1)));
    assertEquals("maxFrameSize must be between 0 and 2^31-1025, got 2147482624",
        LengthPrefixCodecTest.refused(
            () -> FrameCodecs.delimiter(ascii(";")).maxFrameSize(Integer.MAX_VALUE - 1023)));
    assertEquals("at least one delimiter is needed",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.delimiter()));
    FrameCodecs.delimiter(new byte[1], new byte[DelimiterCodec.MAX_DELIMITER_LENGTH]).build();
    assertEquals("a delimiter has 1 to 64 bytes, got 0",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.delimiter(ascii(";"), new byte[0])));
    assertEquals("a delimiter has 1 to 64 bytes, got 65",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.delimiter(new byte[65])));
  }

  @Test
  void aDelimiterCutByTheEndOfStreamIsATruncationNotAnOverLongFrame() {
    // The end of stream cut what may have been a delimiter: its bytes are not content.
    TruncatedFrameException cutAtTheStart = assertThrows(TruncatedFrameException.class,
        () -> FrameCodecs.delimiter(ascii("XYZ")).maxFrameSize(0).build().newDecoder()
            .decodeAtEnd(buffer("XY")));
    assertEquals(2, cutAtTheStart.receivedBytes());
    TruncatedFrameException cutAfterContent = assertThrows(TruncatedFrameException.class,
        () -> FrameCodecs.delimiter(ascii("XY")).maxFrameSize(3).build().newDecoder()
            .decodeAtEnd(buffer("abcX")));
    assertEquals(4, cutAfterContent.receivedBytes());
  }

  @Test
  void discardingDropsTheBytesThatMadeTheFrameTooLongAtOnce() throws Exception {
    DelimiterCodec codec =
        FrameCodecs.delimiter(ascii("\n")).maxFrameSize(3).onTooLong(TooLongPolicy.DISCARD).build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.allocate(16).put(ascii("abcdefgh")).flip();
    assertTrue(assertThrows(FrameTooLongException.class, () -> decoder.decode(in)).discarded());
    assertTrue(in.position() > 3, "the four bytes that broke the limit are dropped: " + in);
    assertNull(decoder.decode(in));
    assertEquals(0, in.remaining(), "the rest of the frame is dropped as well");
    in.compact().put(ascii("ij\nok\n")).flip();
    assertEquals(buffer("ok"), decoder.decode(in));
  }

  @Test
  void toStringNamesTheSettings() {
    assertEquals("DelimiterCodec{[59] [124, 124] stripped, max 65536, CLOSE}",
        FrameCodecs.delimiter(ascii(";"), ascii("||")).build().toString());
    assertEquals("DelimiterCodec{[0] kept, max 10, DISCARD}",
        FrameCodecs.delimiter(new byte[1]).keepDelimiter(true).maxFrameSize(10)
            .onTooLong(TooLongPolicy.DISCARD).build().toString());
  }
}
