package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecsTest {
  @Test
  void decodeUtf8DecodesAFieldOfAHeapOrDirectBuffer() throws Exception {
    byte[] bytes = "xxgrüße!".getBytes(StandardCharsets.UTF_8);
    ByteBuffer heap = ByteBuffer.wrap(bytes).position(1);
    assertEquals("grüße", FrameCodecs.decodeUtf8(heap, 2, bytes.length - 3, 0));
    assertEquals(1, heap.position(), "the buffer is not moved");
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    assertEquals("grüße", FrameCodecs.decodeUtf8(direct, 2, bytes.length - 3, 0));
  }

  @Test
  void decodeUtf8NamesTheOffsetOfABadByte() {
    ByteBuffer in = ByteBuffer.wrap(new byte[] {'a', 'b', (byte) 0xC3, 'c'});
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> FrameCodecs.decodeUtf8(in, 1, 3, 100));
    assertEquals(101, e.offset(), "the field's offset plus the bad byte's index in it");
    assertThrows(
        IndexOutOfBoundsException.class, () -> FrameCodecs.decodeUtf8(in, 2, 3, 0));
  }
}
