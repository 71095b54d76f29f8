package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineCodecTest {

  static List<String> lines(LineCodec codec, byte[] input) throws Exception {
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(input);
    List<String> out = new ArrayList<>();
    for (String line; (line = decoder.decode(in)) != null; ) {
      out.add(line);
    }
    for (String line; (line = decoder.decodeAtEnd(in)) != null; ) {
      out.add(line);
    }
    return out;
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void terminatorModes() throws Exception {
    byte[] input = latin1("a\r\nb\nc\rd\r\n");
    assertEquals(List.of("a", "b", "c\rd"), lines(FrameCodecs.lines().build(), input));
    assertEquals(List.of("a\r", "b", "c\rd\r"),
        lines(FrameCodecs.lines().terminator(LineCodec.Terminator.LF).build(), input));
    assertEquals(List.of("a", "b\nc\rd"),
        lines(FrameCodecs.lines().terminator(LineCodec.Terminator.CRLF).build(), input));
  }

  @Test
  void strictCrlfRejectsBareCrAndLfNamingTheOffset() {
    LineCodec strict = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).build();
    MalformedFrameException lf =
        assertThrows(MalformedFrameException.class, () -> lines(strict, latin1("ok\r\nab\ncd\r\n")));
    assertEquals(6, lf.offset());
    MalformedFrameException cr =
        assertThrows(MalformedFrameException.class, () -> lines(strict, latin1("ab\rcd\r\n")));
    assertEquals(2, cr.offset());
    assertTrue(cr.getMessage().contains("CR"), cr.getMessage());
  }

  @Test
  void malformedInputIsAnErrorNamingTheByteOffset() throws Exception {
    byte[] input = {'o', 'k', '\n', 'a', 'b', (byte) 0xFF, 'c', '\n'};
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> lines(FrameCodecs.lines().build(), input));
    assertEquals(5, e.offset());
    assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
    assertEquals(List.of("ok", "ab\uFFFDc"),
        lines(FrameCodecs.lines().replaceMalformedInput().build(), input));
    assertEquals(List.of("ok", "abÿc"),
        lines(FrameCodecs.lines().charset(StandardCharsets.ISO_8859_1).build(), input));
  }

  @Test
  void finalLinePolicies() throws Exception {
    byte[] input = latin1("a\nlast");
    TruncatedFrameException e = assertThrows(TruncatedFrameException.class,
        () -> lines(FrameCodecs.lines().build(), input));
    assertEquals(4, e.receivedBytes());
    assertEquals(List.of("a", "last"),
        lines(FrameCodecs.lines().finalLine(LineCodec.FinalLine.ACCEPT).build(), input));
    assertEquals(List.of("a"),
        lines(FrameCodecs.lines().finalLine(LineCodec.FinalLine.DISCARD).build(), input));
  }

  @Test
  void tooLongLineCanBeDiscarded() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(3).onTooLong(TooLongPolicy.DISCARD).build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(latin1("abcdef\nxyz\n"));
    assertTrue(assertThrows(FrameTooLongException.class, () -> decoder.decode(in)).discarded());
    assertEquals("xyz", decoder.decode(in));
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void encoderRefusesWhatWouldNotDecodeBack() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(5).build();
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer("a\nb"));
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer("ab\r"));
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer("\uD800"));
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer("abcdef"));
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer("ééé")); // 6 bytes
    assertEquals(ByteBuffer.wrap(latin1("abc\n")), codec.encodeToBuffer("abc"));
    LineCodec strict = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).build();
    assertEquals(ByteBuffer.wrap(latin1("abc\r\n")), strict.encodeToBuffer("abc"));
    assertThrows(MalformedFrameException.class, () -> strict.encodeToBuffer("a\rb"));
    assertThrows(MalformedFrameException.class,
        () -> FrameCodecs.lines().charset(StandardCharsets.US_ASCII).build().encodeToBuffer("é"));
  }

  @Test
  void encoderRefusesACrOrLfThatTheModeForbidsNamingTheFirst() {
    LineCodec lenient = FrameCodecs.lines().build();
    assertEquals(0, refusedAt(lenient, "\nab"));
    assertEquals(0, refusedAt(lenient, "\r"), "a final CR would take the LF for a CR LF");
    LineCodec strict = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).build();
    assertEquals(0, refusedAt(strict, "\rab"));
    assertEquals(0, refusedAt(strict, "\nab\r"));
    assertEquals(1, refusedAt(strict, "a\rb\n"));
    assertEquals(1, refusedAt(strict, "a\nb\r"));
  }

  private static long refusedAt(LineCodec codec, String line) {
    return assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer(line)).offset();
  }

  @Test
  void charsJustPastTheOneByteRangeAreEncodedByTheCharset() throws Exception {
    LineCodec utf8 = FrameCodecs.lines().maxLineLength(4).build();
    assertEquals(ByteBuffer.wrap(new byte[] {'a', 'b', 'c', 'd', '\n'}), utf8.encodeToBuffer("abcd"));
    assertEquals(ByteBuffer.wrap(new byte[] {(byte) 0xC2, (byte) 0x80, '\n'}),
        utf8.encodeToBuffer("\u0080"));
    LineCodec latin1 = FrameCodecs.lines().charset(StandardCharsets.ISO_8859_1).build();
    assertEquals(ByteBuffer.wrap(new byte[] {(byte) 0xFF, '\n'}), latin1.encodeToBuffer("\u00FF"));
    assertThrows(MalformedFrameException.class, () -> latin1.encodeToBuffer("\u0100"));
  }

  @Test
  void aMultiByteLineOfExactlyTheMaximumIsAcceptedAndOneByteMoreIsRefused() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(4).build();
    byte[] four = "éé\n".getBytes(StandardCharsets.UTF_8); // 2 chars, 4 bytes
    assertEquals(ByteBuffer.wrap(four), codec.encodeToBuffer("éé"));
    assertEquals(List.of("éé"), lines(codec, four));
    byte[] alsoFour = "€a\n".getBytes(StandardCharsets.UTF_8); // 2 chars, 3 + 1 bytes
    assertEquals(ByteBuffer.wrap(alsoFour), codec.encodeToBuffer("€a"));
    assertEquals(List.of("€a"), lines(codec, alsoFour));

    FrameTooLongException encoding =
        assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer("ééa"));
    assertEquals("frame of 5 bytes exceeds the maximum frame size of 4 bytes; raise it with"
        + " maxLineLength(...) on FrameCodecs.lines() if such frames are expected",
        encoding.getMessage());
    FrameTooLongException decoding = assertThrows(FrameTooLongException.class,
        () -> lines(codec, "ééa\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("frame of more than 4 bytes exceeds the maximum frame size of 4 bytes; raise it"
        + " with maxLineLength(...) on FrameCodecs.lines() if such frames are expected",
        decoding.getMessage());
  }

  @Test
  void endOfStreamAfterTheCrOfAStrictCrlfIsATruncation() throws Exception {
    LineCodec strict = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF)
        .finalLine(LineCodec.FinalLine.ACCEPT).build();
    FrameDecoder<String> decoder = strict.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(latin1("ok\r\n\r"));
    assertEquals("ok", decoder.decode(in));
    assertNull(decoder.decode(in));
    TruncatedFrameException e =
        assertThrows(TruncatedFrameException.class, () -> decoder.decodeAtEnd(in));
    assertEquals("end of stream inside a frame: received 1 bytes of it, 1 bytes missing",
        e.getMessage());
    // Even where a CR alone would be over the maximum: it is not content.
    LineCodec empty = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF)
        .finalLine(LineCodec.FinalLine.ACCEPT).maxLineLength(0).build();
    assertThrows(TruncatedFrameException.class, () -> lines(empty, latin1("\r")));
  }

  @Test
  void errorMessagesNameTheProblemTheOffsetAndTheFix() {
    LineCodec strict = FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF).build();
    assertEquals("bare LF in strict CRLF mode (at byte offset 0)",
        assertThrows(MalformedFrameException.class, () -> lines(strict, latin1("\nab\r\n")))
            .getMessage());
    byte[] notUtf8 = {'o', 'k', '\n', 'a', (byte) 0xFF, '\n'};
    assertEquals("malformed UTF-8 input in a line (ask the codec builder for replaceMalformedInput()"
            + " to accept it as U+FFFD) (at byte offset 4)",
        assertThrows(MalformedFrameException.class, () -> lines(FrameCodecs.lines().build(), notUtf8))
            .getMessage());
    LineCodec windows = FrameCodecs.lines().charset(Charset.forName("windows-1252")).build();
    byte[] unmapped = {'a', (byte) 0x81, '\n'};
    assertEquals("unmappable windows-1252 input in a line (ask the codec builder for"
            + " replaceMalformedInput() to accept it as U+FFFD) (at byte offset 1)",
        assertThrows(MalformedFrameException.class, () -> lines(windows, unmapped)).getMessage());
  }

  @Test
  void offsetsCountTheBytesOfDiscardedLines() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(3).onTooLong(TooLongPolicy.DISCARD).build();
    byte[] input = latin1("abcdef\nok\nx\u00FF\n"); // 0xFF at offset 11 is not UTF-8
    assertEquals(11, malformedOffset(codec, input, input.length));
    assertEquals(11, malformedOffset(codec, input, 1));
  }

  /** The offset of the malformed input met decoding {@code input} in reads of {@code chunk} bytes. */
  private static long malformedOffset(LineCodec codec, byte[] input, int chunk) throws Exception {
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.allocate(input.length).limit(0);
    for (int at = 0; at < input.length; at += chunk) {
      int n = Math.min(chunk, input.length - at);
      in.limit(at + n).put(at, input, at, n);
      while (true) {
        try {
          if (decoder.decode(in) == null) {
            break;
          }
        } catch (FrameTooLongException e) {
          assertTrue(e.discarded());
        } catch (MalformedFrameException e) {
          return e.offset();
        }
      }
    }
    throw new AssertionError("no malformed input met");
  }

  @Test
  void aDiscardedFinalLineIsConsumed() throws Exception {
    FrameDecoder<String> decoder =
        FrameCodecs.lines().finalLine(LineCodec.FinalLine.DISCARD).build().newDecoder();
    ByteBuffer in = ByteBuffer.wrap(latin1("a\nlast"));
    assertEquals("a", decoder.decodeAtEnd(in));
    assertNull(decoder.decodeAtEnd(in));
    assertFalse(in.hasRemaining());
  }

  @Test
  void aFinalLineThatItsCrTakesOverTheMaximumCanBeDiscarded() throws Exception {
    LineCodec codec = FrameCodecs.lines().maxLineLength(3).finalLine(LineCodec.FinalLine.ACCEPT)
        .onTooLong(TooLongPolicy.DISCARD).build();
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(latin1("abc\r"));
    assertNull(decoder.decode(in), "the CR may start a CR LF");
    assertTrue(assertThrows(FrameTooLongException.class, () -> decoder.decodeAtEnd(in)).discarded());
    assertFalse(in.hasRemaining());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void asciiCharsAreEncodedByTheCharsetWhereItsBytesDiffer() throws Exception {
    // IBM864 has an Arabic percent sign at 0x25 and no '%' at all.
    Charset arabic = Charset.forName("IBM864");
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> FrameCodecs.lines().charset(arabic).build().encodeToBuffer("100%"));
    assertTrue(e.getMessage().startsWith("the text cannot be encoded in IBM864"), e.getMessage());
    assertEquals(ByteBuffer.wrap(latin1("100?\n")),
        FrameCodecs.lines().charset(arabic).replaceMalformedInput().build().encodeToBuffer("100%"));
  }

  @Test
  void encodingAsciiLinesReusesOneScratchArray() throws Exception {
    AllocationTest.Counter counter = new AllocationTest.Counter();
    LineCodec codec = FrameCodecs.lines().build();
    String line = "x".repeat(100); // the first line sizes the scratch array: exactly big enough
    FrameSink discard = new FrameSink() {
      @Override
      public void put(byte b) {}

      @Override
      public void put(byte[] src, int offset, int length) {}

      @Override
      public void put(ByteBuffer src) {}
    };
    for (int i = 0; i < 10_000; i++) {
      codec.encode(line, discard);
    }
    long before = counter.allocated();
    for (int i = 0; i < 10_000; i++) {
      codec.encode(line, discard);
    }
    long perLine = (counter.allocated() - before) / 10_000;
    assertTrue(perLine < 8, "allocated " + perLine + " bytes per encoded line");
  }

  @Test
  void maxFrameSizeIsTheMaximumLineLengthBetweenInclusiveBounds() {
    assertEquals(LineCodec.DEFAULT_MAX_LINE_LENGTH, FrameCodecs.lines().build().maxFrameSize());
    assertEquals(0, FrameCodecs.lines().maxLineLength(0).build().maxFrameSize());
    assertEquals(Integer.MAX_VALUE - 1024,
        FrameCodecs.lines().maxLineLength(Integer.MAX_VALUE - 1024).build().maxFrameSize());
    assertEquals("maxLineLength must be between 0 and 2^31-1025, got -1",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.lines().maxLineLength(-1)));
    assertEquals("maxLineLength must be between 0 and 2^31-1025, got 2147482624",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.lines().maxLineLength(Integer.MAX_VALUE - 1023)));
  }

  @Test
  void toStringNamesTheSettings() {
    assertEquals("LineCodec{LF_OR_CRLF, UTF-8, max 8192, CLOSE, final line REJECT}",
        FrameCodecs.lines().build().toString());
    assertEquals(
        "LineCodec{STRICT_CRLF, ISO-8859-1 with replacement, max 10, DISCARD, final line ACCEPT}",
        FrameCodecs.lines().terminator(LineCodec.Terminator.STRICT_CRLF)
            .charset(StandardCharsets.ISO_8859_1).replaceMalformedInput().maxLineLength(10)
            .onTooLong(TooLongPolicy.DISCARD).finalLine(LineCodec.FinalLine.ACCEPT).build().toString());
  }

  @Test
  void charsetMustBeAsciiCompatible() {
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodecs.lines().charset(StandardCharsets.UTF_16));
  }

  @Test
  void utf8OverBinaryIsStrict() throws Exception {
    FrameCodec<String> codec = FrameCodecs.utf8(FrameCodecs.lengthPrefix().width(1).build());
    assertEquals("héllo", codec.newDecoder().decode(codec.encodeToBuffer("héllo")));
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> codec.newDecoder().decode(ByteBuffer.wrap(new byte[] {2, 'a', (byte) 0xC3})));
    assertEquals(1, e.offset());
    assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer("\uDC00"));
  }
}
