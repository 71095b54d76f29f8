package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A lent frame is a view of the buffer; a copied one is the caller's, from a heap or direct buffer. */
class FramesTest {

  private static ByteBuffer digits(ByteBuffer buffer) {
    for (int i = 0; i < 10; i++) {
      buffer.put((byte) i);
    }
    return buffer.flip();
  }

  @Test
  void aLentFrameIsAViewAndACopiedOneIsTheCallers() {
    ByteBuffer in = digits(ByteBuffer.allocate(10));
    ByteBuffer lent = Frames.frame(in, 2, 3, true);
    ByteBuffer copied = Frames.frame(in, 2, 3, false);
    assertEquals(ByteBuffer.wrap(new byte[] {2, 3, 4}), lent);
    assertEquals(ByteBuffer.wrap(new byte[] {2, 3, 4}), copied);
    in.put(2, (byte) 99);
    assertEquals(99, lent.get(0));
    assertEquals(2, copied.get(0));
    assertEquals(0, in.position());
  }

  @Test
  void copiesFromADirectBufferIntoAHeapBuffer() {
    ByteBuffer in = digits(ByteBuffer.allocateDirect(10));
    ByteBuffer copy = Frames.copy(in, 2, 3);
    assertTrue(copy.hasArray());
    assertEquals(ByteBuffer.wrap(new byte[] {2, 3, 4}), copy);
    in.put(2, (byte) 99);
    assertEquals(2, copy.get(0));
    assertEquals(0, in.position());
  }
}
