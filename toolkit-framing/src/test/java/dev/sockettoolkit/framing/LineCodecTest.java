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
