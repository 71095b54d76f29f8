package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.internal.BufferPool;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The channel's receive buffer (small while idle, pooled while busy, grown for large frames) never
 * changes what is received, whatever sizes the frames have and however the bytes arrive.
 */
class MessageChannelProperties {
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "property-writer");
    t.setDaemon(true);
    return t;
  });

  @AfterContainer
  static void stop() {
    WRITERS.shutdownNow();
  }

  /** Writes {@code bytes} from the client side in pieces of the given sizes, then half-closes. */
  private static Future<?> writeInPieces(ConnectionPair pair, byte[] bytes, List<Integer> writes) {
    return WRITERS.submit(() -> {
      int offset = 0;
      int k = 0;
      while (offset < bytes.length) {
        int n = Math.min(bytes.length - offset, writes.get(k++ % writes.size()));
        pair.client().write(ByteBuffer.wrap(bytes, offset, n));
        offset += n;
      }
      pair.client().shutdownOutput();
      return null;
    });
  }

  @Provide
  Arbitrary<List<Integer>> frameSizes() {
    return Arbitraries.oneOf(
            Arbitraries.integers().between(0, 70),
            Arbitraries.integers().between(400, 600),
            Arbitraries.integers().between(
                Receiver.DIRECT_BODY - 100, Receiver.DIRECT_BODY + 100),
            Arbitraries.integers().between(60_000, 70_000),
            Arbitraries.integers().between(100_000, 300_000))
        .list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Integer>> writeSizes() {
    return Arbitraries.oneOf(
            Arbitraries.just(1),
            Arbitraries.integers().between(1, 600),
            Arbitraries.integers().between(1, 200_000))
        .list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 100)
  void aStreamCutAnywhereGivesTheFramesBeforeTheCutThenATruncation(
      @ForAll("frameSizes") List<Integer> sizes,
      @ForAll("writeSizes") List<Integer> writes,
      @ForAll @DoubleRange(min = 0, max = 1) double cutAt)
      throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().maxFrameSize(300_000).build();
    List<ByteBuffer> frames = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < sizes.size(); i++) {
      byte[] b = new byte[sizes.get(i)];
      Arrays.fill(b, (byte) i);
      frames.add(ByteBuffer.wrap(b));
      ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.wrap(b));
      wire.write(encoded.array(), encoded.arrayOffset(), encoded.remaining());
      ends.add(wire.size());
    }
    int cut = (int) (wire.size() * cutAt);
    byte[] bytes = Arrays.copyOf(wire.toByteArray(), cut);
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> receiver = MessageChannel.open(pair.server(), codec);
      Future<?> writer = writeInPieces(pair, bytes, writes);
      int whole = 0;
      while (whole < ends.size() && ends.get(whole) <= cut) {
        assertEquals(frames.get(whole), receiver.receive());
        whole++;
      }
      int frameStart = whole == 0 ? 0 : ends.get(whole - 1);
      if (cut == frameStart) {
        assertNull(receiver.receive());
      } else {
        TruncatedFrameException e =
            assertThrows(TruncatedFrameException.class, receiver::receive);
        if (cut - frameStart >= 4) {
          assertEquals(ends.get(whole) - cut, e.missingBytes(), "missing bytes of the cut frame");
        }
      }
      writer.get(30, TimeUnit.SECONDS);
    }
  }

  @Property(tries = 150)
  void receivesTheSameFramesWhateverTheWriteSizes(
      @ForAll("frameSizes") List<Integer> sizes, @ForAll("writeSizes") List<Integer> writes)
      throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().maxFrameSize(300_000).build();
    List<ByteBuffer> frames = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < sizes.size(); i++) {
      byte[] b = new byte[sizes.get(i)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (i * 7 + j);
      }
      frames.add(ByteBuffer.wrap(b));
      ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.wrap(b));
      wire.write(encoded.array(), encoded.arrayOffset(), encoded.remaining());
    }
    byte[] bytes = wire.toByteArray();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> receiver = MessageChannel.open(pair.server(), codec);
      Future<?> writer = writeInPieces(pair, bytes, writes);
      for (ByteBuffer expected : frames) {
        assertEquals(expected, receiver.receive());
        assertTrue(receiver.receiveBufferCapacity() <= 300_000 + InboundBuffer.SLACK);
      }
      assertNull(receiver.receive());
      writer.get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Batches, with their lent views and pooled direct bodies, mixed in any order with plain
   * receives, give exactly the frames that were sent, and every pooled buffer goes back.
   */
  @Property(tries = 150)
  void receiveBatchGivesTheSameFramesAsReceive(
      @ForAll("frameSizes") List<Integer> sizes,
      @ForAll("writeSizes") List<Integer> writes,
      @ForAll List<Boolean> batchOrSingle,
      @ForAll boolean delimited)
      throws Exception {
    FrameCodec<ByteBuffer> codec =
        delimited
            ? FrameCodecs.delimiter(new byte[] {0}).maxFrameSize(300_000).build()
            : FrameCodecs.lengthPrefix().maxFrameSize(300_000).build();
    List<ByteBuffer> frames = new ArrayList<>();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int i = 0; i < sizes.size(); i++) {
      byte[] b = new byte[sizes.get(i)];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (delimited ? 1 + (i + j) % 255 : i * 7 + j); // no 0 inside delimited frames
      }
      frames.add(ByteBuffer.wrap(b));
      ByteBuffer encoded = codec.encodeToBuffer(ByteBuffer.wrap(b));
      wire.write(encoded.array(), encoded.arrayOffset(), encoded.remaining());
    }
    byte[] bytes = wire.toByteArray();
    int directBefore = BufferPool.DIRECT.out();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<ByteBuffer> receiver = MessageChannel.open(pair.server(), codec);
      Future<?> writer = writeInPieces(pair, bytes, writes);
      List<ByteBuffer> received = new ArrayList<>();
      for (int step = 0; ; step++) {
        boolean batch = batchOrSingle.isEmpty() || batchOrSingle.get(step % batchOrSingle.size());
        if (batch) {
          boolean more = receiver.receiveBatch(messages -> {
            assertTrue(!messages.isEmpty());
            for (ByteBuffer m : messages) {
              ByteBuffer copy = ByteBuffer.allocate(m.remaining());
              received.add(copy.put(m.duplicate()).flip());
            }
          });
          if (!more) {
            break;
          }
        } else {
          ByteBuffer m = receiver.receive();
          if (m == null) {
            break;
          }
          received.add(m);
        }
        assertTrue(received.size() <= frames.size());
      }
      assertEquals(frames, received);
      assertEquals(directBefore, BufferPool.DIRECT.out(), "pooled buffers given back");
      writer.get(30, TimeUnit.SECONDS);
    }
  }
}
