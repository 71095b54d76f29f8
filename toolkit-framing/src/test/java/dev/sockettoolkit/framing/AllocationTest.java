package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sockettoolkit.core.Connection;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Encoding into the channel's reused buffer allocates nothing per frame, and decoding allocates
 * only the frame itself. Measured with HotSpot's per-thread allocation counter.
 */
class AllocationTest {
  private static final int FRAMES = 100_000;

  /** A connection that swallows writes and replays one byte array on reads. */
  static class StubConnection implements Connection {
    long written;
    int writes;
    private final ByteBuffer input;

    StubConnection(byte[] input) {
      this.input = ByteBuffer.wrap(input);
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!input.hasRemaining()) {
        return -1;
      }
      int n = Math.min(dst.remaining(), input.remaining());
      dst.put(dst.position(), input, input.position(), n);
      dst.position(dst.position() + n);
      input.position(input.position() + n);
      return n;
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
      return read(dst);
    }

    @Override
    public void write(ByteBuffer... srcs) {
      writes++;
      for (ByteBuffer b : srcs) {
        written += b.remaining();
        b.position(b.limit());
      }
    }

    @Override
    public void shutdownOutput() {}

    @Override
    public void close() {}

    @Override
    public void abort() {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public SocketAddress localAddress() {
      return new InetSocketAddress(0);
    }

    @Override
    public SocketAddress remoteAddress() {
      return new InetSocketAddress(0);
    }
  }

  /**
   * HotSpot's {@code com.sun.management.ThreadMXBean}, by reflection: the framing module does not
   * read the management modules, and tests are compiled into it.
   */
  static final class Counter {
    private final Object bean;
    private final Method allocatedBytes;

    Counter() {
      Object found = null;
      Method method = null;
      try {
        found = Class.forName("java.lang.management.ManagementFactory")
            .getMethod("getThreadMXBean").invoke(null);
        Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
        if (hotspot.isInstance(found)
            && (Boolean) hotspot.getMethod("isThreadAllocatedMemorySupported").invoke(found)) {
          hotspot.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(found, true);
          method = hotspot.getMethod("getThreadAllocatedBytes", long.class);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        method = null;
      }
      assumeTrue(method != null, "needs HotSpot's per-thread allocation counter");
      this.bean = found;
      this.allocatedBytes = method;
    }

    long allocated() throws ReflectiveOperationException {
      return (Long) allocatedBytes.invoke(bean, Thread.currentThread().getId());
    }
  }

  @Test
  void sendAllOfSmallFramesAllocatesNothingPerFrame() throws Exception {
    Counter bean = new Counter();
    StubConnection connection = new StubConnection(new byte[0]);
    MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, FrameCodecs.lengthPrefix().build());
    List<ByteBuffer> frames = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      frames.add(ByteBuffer.allocate(64));
    }
    for (int warm = 0; warm < 5; warm++) {
      channel.sendAll(frames);
      for (int i = 0; i < 1000; i++) {
        channel.send(frames.get(i));
      }
    }
    int writesBefore = connection.writes;
    long before = bean.allocated();
    channel.sendAll(frames);
    int batchWrites = connection.writes - writesBefore;
    for (ByteBuffer frame : frames.subList(0, 10_000)) {
      channel.send(frame);
    }
    long perFrame = (bean.allocated() - before) / (FRAMES + 10_000);
    assertTrue(perFrame < 4, "allocated " + perFrame + " bytes per sent frame");
    // 6.8 MB of frames leave in gathering writes of about 60 KiB.
    assertTrue(batchWrites <= FRAMES * 68 / 60_000 + 2, batchWrites + " writes for one sendAll");
    assertEquals(6 * (long) FRAMES * 68 + 15_000L * 68, connection.written);
  }

  @Test
  void receivingAllocatesOnlyTheFrames() throws Exception {
    Counter bean = new Counter();
    FrameCodec<ByteBuffer> codec = FrameCodecs.lengthPrefix().build();
    ByteBuffer wire = ByteBuffer.allocate(FRAMES * 68);
    for (int i = 0; i < FRAMES; i++) {
      wire.putInt(64).position(wire.position() + 64);
    }
    for (int warm = 0; warm < 5; warm++) {
      drain(MessageChannel.open(new StubConnection(wire.array()), codec));
    }
    MessageChannel<ByteBuffer> channel = MessageChannel.open(new StubConnection(wire.array()), codec);
    long before = bean.allocated();
    drain(channel);
    long perFrame = (bean.allocated() - before) / FRAMES;
    // The frame: a heap ByteBuffer (about 56 bytes) and its 64-byte array (about 80).
    assertTrue(perFrame <= 160, "allocated " + perFrame + " bytes per received 64-byte frame");
  }

  private static void drain(MessageChannel<ByteBuffer> channel) throws Exception {
    int n = 0;
    while (channel.receive() != null) {
      n++;
    }
    assertEquals(FRAMES, n);
  }
}
