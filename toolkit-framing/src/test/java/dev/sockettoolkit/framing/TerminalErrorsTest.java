package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TerminalErrorsTest {
  /** Frames of one byte; 0 is malformed, 9 is a discarded too-long frame. Forgets its errors. */
  private static final FrameDecoder<ByteBuffer> FORGETFUL =
      in -> {
        if (!in.hasRemaining()) {
          return null;
        }
        byte b = in.get();
        if (b == 0) {
          throw new MalformedFrameException("zero");
        }
        if (b == 9) {
          throw new FrameTooLongException(9, 8, true, "the limit");
        }
        return ByteBuffer.wrap(new byte[] {b});
      };

  @Test
  void theFirstErrorIsThrownByEveryLaterCall() throws Exception {
    FrameDecoder<ByteBuffer> decoder = FrameDecoder.withTerminalErrors(FORGETFUL);
    ByteBuffer in = ByteBuffer.wrap(new byte[] {1, 0, 2, 3});
    assertEquals(ByteBuffer.wrap(new byte[] {1}), decoder.decode(in));
    MalformedFrameException first = assertThrows(MalformedFrameException.class, () -> decoder.decode(in));
    assertSame(first, assertThrows(MalformedFrameException.class, () -> decoder.decode(in)));
    assertSame(first, assertThrows(MalformedFrameException.class, () -> decoder.decodeAtEnd(in)));
    assertSame(
        first,
        assertThrows(MalformedFrameException.class, () -> decoder.frameFromBody(ByteBuffer.allocate(1))));
    assertEquals(-1, decoder.pendingBodyLength());
    assertEquals(2, in.position(), "nothing more was consumed");
  }

  @Test
  void aDiscardedTooLongFrameIsNotTerminal() throws Exception {
    FrameDecoder<ByteBuffer> decoder = FrameDecoder.withTerminalErrors(FORGETFUL);
    ByteBuffer in = ByteBuffer.wrap(new byte[] {9, 4});
    assertTrue(assertThrows(FrameTooLongException.class, () -> decoder.decode(in)).discarded());
    assertEquals(ByteBuffer.wrap(new byte[] {4}), decoder.decode(in));
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void theZeroCopyMethodsArePassedThrough() {
    FrameDecoder<ByteBuffer> lengthPrefix = FrameCodecs.lengthPrefix().build().newDecoder();
    FrameDecoder<ByteBuffer> wrapped = FrameDecoder.withTerminalErrors(lengthPrefix);
    assertTrue(wrapped.acceptsDirectBuffer());
    assertEquals(-1, wrapped.pendingBodyLength());
  }
}
