package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void everyMethodIsPassedThroughUntilAnError() throws Exception {
    boolean[] lending = new boolean[1];
    ByteBuffer fromBody = ByteBuffer.wrap(new byte[] {7});
    FrameDecoder<ByteBuffer> inner =
        new FrameDecoder<>() {
          @Override
          public ByteBuffer decode(ByteBuffer in) {
            return null;
          }

          @Override
          public ByteBuffer decodeAtEnd(ByteBuffer in) {
            return ByteBuffer.wrap(new byte[] {5});
          }

          @Override
          public void lendFrames(boolean lend) {
            lending[0] = lend;
          }

          @Override
          public long pendingBodyLength() {
            return 40_000;
          }

          @Override
          public ByteBuffer frameFromBody(ByteBuffer body) {
            return fromBody;
          }
        };
    FrameDecoder<ByteBuffer> wrapped = FrameDecoder.withTerminalErrors(inner);
    assertEquals(ByteBuffer.wrap(new byte[] {5}), wrapped.decodeAtEnd(ByteBuffer.allocate(0)));
    wrapped.lendFrames(true);
    assertTrue(lending[0]);
    wrapped.lendFrames(false);
    assertFalse(lending[0]);
    assertEquals(40_000, wrapped.pendingBodyLength());
    assertSame(fromBody, wrapped.frameFromBody(ByteBuffer.allocate(1)));
    assertFalse(wrapped.acceptsDirectBuffer(), "the inner decoder's default");
    assertTrue(
        FrameDecoder.withTerminalErrors(FrameCodecs.lengthPrefix().build().newDecoder())
            .acceptsDirectBuffer());
  }
}
