package dev.sockettoolkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MalformedFrameException;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.framing.TruncatedFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The custom codec of the benchmarks gets the library codecs' zero-copy path through the public
 * SPI alone: lent views in a batch, large bodies read straight into their frame.
 */
@Timeout(30)
class TlvCodecTest {
  private static final TlvCodec CODEC = new TlvCodec(1 << 20);

  private static ByteBuffer counting(int size) {
    ByteBuffer b = ByteBuffer.allocate(size);
    for (int i = 0; i < size; i++) {
      b.put((byte) i);
    }
    return b.flip();
  }

  @Test
  void aBatchLendsViewsAndReceiveReturnsOwnedCopies() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), CODEC);
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), CODEC)) {
      a.sendAll(List.of(counting(10), counting(0), counting(300)));
      List<Boolean> direct = new ArrayList<>();
      List<ByteBuffer> copies = new ArrayList<>();
      while (copies.size() < 3) {
        b.receiveBatch(batch -> {
          for (ByteBuffer m : batch) {
            direct.add(m.isDirect());
            copies.add(ByteBuffer.allocate(m.remaining()).put(m).flip());
          }
        });
      }
      assertEquals(List.of(counting(10), counting(0), counting(300)), copies);
      assertTrue(
          direct.stream().allMatch(d -> d),
          "views of the channel's direct receive buffer, not heap copies: " + direct);

      a.send(counting(20));
      ByteBuffer owned = b.receive();
      assertEquals(counting(20), owned);
      assertFalse(owned.isDirect(), "receive returns a heap frame the caller owns");
    }
  }

  @Test
  void aLargeBodyIsReadStraightIntoItsFrame() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> a = MessageChannel.open(pair.client(), CODEC);
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), CODEC)) {
      ByteBuffer frame = CODEC.encodeToBuffer(counting(48 * 1024));
      // The header and a little of the value first: the channel then takes the value over.
      pair.client().write(frame.duplicate().limit(100));
      Thread.sleep(50);
      pair.client().write(frame.position(100));
      boolean[] lentDirect = new boolean[1];
      ByteBuffer[] copy = new ByteBuffer[1];
      b.receiveBatch(batch -> {
        ByteBuffer m = batch.get(0);
        lentDirect[0] = m.isDirect();
        copy[0] = ByteBuffer.allocate(m.remaining()).put(m).flip();
      });
      assertEquals(counting(48 * 1024), copy[0]);
      assertTrue(lentDirect[0], "the value was read into a pooled direct buffer");

      a.send(counting(40 * 1024));
      assertEquals(counting(40 * 1024), b.receive());
      a.connection().shutdownOutput();
      assertNull(b.receive());
    }
  }

  @Test
  void badInputFailsAndStaysFailed() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), CODEC)) {
      pair.client().write(ByteBuffer.wrap(new byte[] {7, 0, 0, 0, 1, 42}));
      MalformedFrameException e = assertThrows(MalformedFrameException.class, b::receive);
      assertEquals("unknown type 7", e.getMessage());
      assertThrows(MalformedFrameException.class, b::receive, "terminal");
    }
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), new TlvCodec(10))) {
      pair.client().write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 11}));
      assertThrows(FrameTooLongException.class, b::receive);
    }
    try (ConnectionPair pair = ConnectionPair.inMemory();
        MessageChannel<ByteBuffer> b = MessageChannel.open(pair.server(), CODEC)) {
      pair.client().write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 5, 1, 2}));
      pair.client().shutdownOutput();
      TruncatedFrameException e = assertThrows(TruncatedFrameException.class, b::receive);
      assertTrue(e.getMessage().contains("3"), e.getMessage());
    }
  }
}
