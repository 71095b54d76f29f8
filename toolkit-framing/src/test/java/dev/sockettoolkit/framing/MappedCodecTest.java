package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A mapped codec is its inner codec with conversions: the same limit, the same decoding. */
class MappedCodecTest {
  private final LengthPrefixCodec inner = FrameCodecs.lengthPrefix().width(1).maxFrameSize(100).build();
  private final FrameCodec<String> codec = FrameCodecs.utf8(inner);

  @Test
  void hasTheInnerCodecsMaximum() {
    assertEquals(100, codec.maxFrameSize());
  }

  @Test
  void decodeAtEndConvertsTheFramesStillComplete() throws Exception {
    FrameDecoder<String> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(new byte[] {2, 'h', 'i'});
    assertEquals("hi", decoder.decodeAtEnd(in));
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void toStringNamesTheInnerCodec() {
    assertEquals(inner + ".map(...)", codec.toString());
  }
}
