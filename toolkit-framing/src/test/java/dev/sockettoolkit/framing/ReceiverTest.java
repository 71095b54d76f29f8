package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The receiving half's states, and its guard against decoders that break the buffer contract. */
@Timeout(30)
class ReceiverTest {
  private static final FrameCodec<ByteBuffer> BINARY = FrameCodecs.lengthPrefix().build();

  /** A codec whose decoder returns a frame and then, wrongly, the same frame without consuming. */
  private static FrameCodec<ByteBuffer> stuck(boolean backwards) {
    return new FrameCodec<>() {
      @Override
      public FrameDecoder<ByteBuffer> newDecoder() {
        return in -> {
          if (!in.hasRemaining()) {
            return null;
          }
          if (backwards && in.position() > 0) {
            in.position(in.position() - 1);
            return null;
          }
          if (!backwards) {
            return ByteBuffer.allocate(1); // never consumes
          }
          in.get();
          return ByteBuffer.allocate(1);
        };
      }

      @Override
      public void encode(ByteBuffer frame, FrameSink out) {
        out.put(frame);
      }

      @Override
      public int maxFrameSize() {
        return 100;
      }

      @Override
      public String toString() {
        return "StuckCodec";
      }
    };
  }

  @Test
  void aDecoderThatReturnsAFrameWithoutConsumingFailsTheChannelAtOnce() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), stuck(false))) {
      pair.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      IllegalStateException e = assertThrows(IllegalStateException.class, b::receive);
      assertTrue(e.getMessage().contains("StuckCodec"), e.getMessage());
      assertTrue(e.getMessage().contains("without consuming any input"), e.getMessage());
      MalformedFrameException after = assertThrows(MalformedFrameException.class, b::receive);
      assertSame(e, after.getCause(), "terminal, with the broken rule as the cause");
    }
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), stuck(false))) {
      pair.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThrows(IllegalStateException.class, () -> b.receiveBatch(batch -> {}),
          "a batch fails too, instead of gathering the same frame until memory runs out");
    }
  }

  @Test
  void aDecoderThatMovesThePositionBackwardsFailsTheChannel() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), stuck(true))) {
      pair.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      b.receive();
      IllegalStateException e = assertThrows(IllegalStateException.class, b::receive);
      assertTrue(e.getMessage().contains("backwards"), e.getMessage());
    }
  }

  @Test
  void statesFromOpenToEnded() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      Receiver<ByteBuffer> r = new Receiver<>(pair.server(), BINARY, ConnectionCounters.of(pair.server()));
      assertEquals(Receiver.State.OPEN, r.state());
      pair.client().write(BINARY.encodeToBuffer(ByteBuffer.wrap(new byte[] {9})));
      pair.client().shutdownOutput();
      assertEquals(ByteBuffer.wrap(new byte[] {9}), r.receive());
      assertNull(r.receive());
      assertEquals(Receiver.State.ENDED, r.state());
      assertNull(r.receive(), "and on every call after");
      assertEquals(0, r.bufferCapacity(), "an ended receiver holds no buffer");
    }
  }

  @Test
  void aFailedReceiverThrowsTheSameExceptionAndHoldsNoBuffer() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      Receiver<ByteBuffer> r = new Receiver<>(pair.server(), BINARY, ConnectionCounters.of(pair.server()));
      pair.client().write(ByteBuffer.wrap(new byte[] {0, 0, 0, 5, 1}));
      pair.client().shutdownOutput();
      IOException e = assertThrows(TruncatedFrameException.class, r::receive);
      assertEquals(Receiver.State.FAILED, r.state());
      assertSame(e, assertThrows(TruncatedFrameException.class, r::receive));
      assertEquals(0, r.bufferCapacity());
    }
  }

  @Test
  void aClosedChannelRefusesToReceive() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), BINARY);
      b.close();
      ConnectionClosedException e = assertThrows(ConnectionClosedException.class, b::receive);
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }
}
