package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedLengthCodecTest {

  private static ByteBuffer buffer(String s) {
    return DelimiterCodecTest.buffer(s);
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

  @Test
  void encodesAFrameOfExactlyTheLengthAndNamesTheLengthOtherwise() throws Exception {
    FrameCodec<ByteBuffer> codec = FrameCodecs.fixedLength(3);
    assertEquals(3, codec.maxFrameSize());
    assertEquals(buffer("abc"), codec.encodeToBuffer(buffer("abc")));
    assertEquals("a fixed-length frame has exactly 3 bytes, got 2",
        assertThrows(MalformedFrameException.class, () -> codec.encodeToBuffer(buffer("ab"))).getMessage());
    assertEquals("frame of 4 bytes exceeds the maximum frame size of 3 bytes; raise it with a larger"
            + " FrameCodecs.fixedLength(n) if such frames are expected",
        assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(buffer("abcd"))).getMessage());
  }

  @Test
  void decodeAtEndReturnsTheFramesStillComplete() throws Exception {
    FrameDecoder<ByteBuffer> decoder = FrameCodecs.fixedLength(2).newDecoder();
    ByteBuffer in = buffer("abcd");
    assertEquals(buffer("ab"), decoder.decodeAtEnd(in));
    assertEquals(buffer("cd"), decoder.decodeAtEnd(in));
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void theLengthMustBePositive() {
    assertEquals(1, FrameCodecs.fixedLength(1).maxFrameSize());
    assertEquals("length must be positive, got 0",
        LengthPrefixCodecTest.refused(() -> FrameCodecs.fixedLength(0)));
  }

  @Test
  void toStringNamesTheLength() {
    assertEquals("FixedLengthCodec{3 bytes}", FrameCodecs.fixedLength(3).toString());
  }
}
