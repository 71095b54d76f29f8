package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.internal.BufferPool;
import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The receive buffer of a {@link MessageChannel}, in read mode: bytes from position to limit were
 * received and not yet decoded.
 *
 * <p>Memory follows the traffic. A channel with no partly received frame reads into a small
 * buffer of its own ({@value #SMALL} bytes), so an idle channel, blocked in a read, holds no large
 * buffer. When a read fills the buffer, data is flowing: the next reads go into a 64 KiB buffer
 * borrowed from a shared pool, which is given back once a read finds everything decoded and the
 * previous read brought less than {@value #BULK} bytes. After a bulk read the next read takes what
 * has already arrived into the large buffer; if nothing has, the buffer goes back to the pool and
 * the channel waits in its small one, so a peer that goes quiet right after a burst does not leave
 * 64 KiB held. (On a connection that cannot read without waiting, see {@link
 * ReadsWithoutWaiting}, it waits up to 20 ms in the large buffer first.) After the body of a large
 * frame was read straight into the frame (see {@link FrameDecoder#pendingBodyLength}), the next
 * header is read into the small buffer. A frame larger than 64 KiB that is
 * received here grows the buffer, by doubling, up to the codec's maximum frame size plus {@value
 * #SLACK} bytes of headers and delimiters.
 */
final class InboundBuffer {
  static final int SMALL = 512;
  static final int SLACK = 1024;
  /** A read of at least this many bytes keeps the large buffer for the next read. */
  static final int BULK = 4096;
  /** How long a channel that was streaming waits with its large buffer before it gives it back. */
  static final Duration PROBE = Duration.ofMillis(20);
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** {@code Thread.isVirtual()} on JDK 21+; null on 17, which has no virtual threads. */
  private static final MethodHandle IS_VIRTUAL = isVirtualMethod();

  private final BufferPool pool;
  private final long cap;
  private ByteBuffer small;
  /** Volatile only so that {@link #capacity()} may be read by another thread, in tests. */
  private volatile ByteBuffer buffer = EMPTY;
  private boolean pooled;
  private boolean lastReadFilled;
  /** Whether the last read brought at least {@value #BULK} bytes: data is streaming in. */
  private boolean lastReadBulk;
  /** Whether the next read is for a header after a body read straight into its frame. */
  private boolean headerNext;
  /** {@link #readsWithoutWaiting}: the connection last asked about, and its answer. */
  private Connection nowFor;
  private ReadsWithoutWaiting now;

  InboundBuffer(BufferPool pool, int maxFrameSize) {
    this.pool = pool;
    this.cap = Math.max((long) BufferPool.BUFFER_SIZE, (long) maxFrameSize + SLACK);
  }

  private static MethodHandle isVirtualMethod() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static boolean onVirtualThread() {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable e) {
      return false;
    }
  }

  /** The received, undecoded bytes. */
  ByteBuffer data() {
    return buffer;
  }

  /** Current capacity, for tests of bounded buffering. */
  int capacity() {
    return buffer.capacity();
  }

  /**
   * Reads more bytes after the undecoded ones, waiting at most {@code timeout} (null: the
   * connection's read timeout). Returns the count, or -1 at end of stream.
   */
  int readFrom(Connection connection, Duration timeout) throws IOException {
    if (prepare()) {
      // Streaming so far: keep the large buffer if more has arrived (or, on a connection that
      // cannot tell, arrives within a moment); else give it back and wait in the small one, so an
      // idle channel never sits on 64 KiB.
      ReadsWithoutWaiting now = readsWithoutWaiting(connection);
      if (now != null) {
        int n = readInto(connection, null, now);
        if (n != 0) {
          return n;
        }
      } else {
        boolean bounded = timeout != null && timeout.compareTo(PROBE) <= 0;
        try {
          return readInto(connection, bounded ? timeout : PROBE, null);
        } catch (ConnectionTimeoutException e) {
          if (bounded || e.kind() != ConnectionTimeoutException.Kind.READ) {
            throw e;
          }
        }
        timeout = timeout == null ? null : timeout.minus(PROBE);
      }
      useSmall();
      lastReadFilled = false;
    }
    return readInto(connection, timeout, null);
  }

  /**
   * Reads after the undecoded bytes: with {@code now}, only what has arrived (0 if nothing has);
   * else waiting at most {@code timeout} (null: the connection's read timeout).
   */
  private int readInto(Connection connection, Duration timeout, ReadsWithoutWaiting now)
      throws IOException {
    ByteBuffer b = buffer;
    int start = b.position();
    b.position(b.limit()).limit(b.capacity());
    int space = b.remaining();
    int n;
    try {
      if (now != null) {
        n = now.readNow(b);
      } else {
        n = timeout == null ? connection.read(b) : connection.read(b, timeout);
      }
    } finally {
      b.limit(b.position()).position(start);
    }
    lastReadFilled = n == space;
    lastReadBulk = n >= BULK;
    return n;
  }

  /** How this channel's connection reads without waiting (looked up once), or null. */
  private ReadsWithoutWaiting readsWithoutWaiting(Connection connection) {
    if (connection != nowFor) {
      now = ReadsWithoutWaiting.of(connection);
      nowFor = connection;
    }
    return now;
  }

  private void useSmall() {
    release();
    if (small == null) {
      // Direct when the large buffers are and this is a platform thread: one that reads only
      // direct buffers never makes the JDK's per-thread cache of temporary direct buffers (a
      // 4 KiB array, on JDK 17: 6.7 KiB heap per idle connection before, 1.7 after). A virtual
      // thread has no such cache of its own, so it keeps the cheaper heap buffer.
      small =
          pool.isDirect() && !onVirtualThread()
              ? ByteBuffer.allocateDirect(SMALL)
              : ByteBuffer.allocate(SMALL);
    }
    small.clear().limit(0);
    buffer = small;
  }

  /**
   * Makes room after the undecoded bytes. Returns true when no bytes are buffered and the large
   * buffer was kept because the last read was a bulk one: the caller then probes with it.
   */
  private boolean prepare() throws FrameTooLongException {
    ByteBuffer b = buffer;
    if (!b.hasRemaining()) {
      if (headerNext) {
        // A large body was just read straight into its frame: read the next header into the small
        // buffer, so that the read does not pull in (and make the decoder copy) the next body.
        headerNext = false;
        useSmall();
        return false;
      }
      if (lastReadBulk && b.capacity() >= BufferPool.BUFFER_SIZE) {
        b.clear().limit(0);
        return true;
      }
      useSmall();
      if (lastReadFilled) {
        upgrade(BufferPool.BUFFER_SIZE);
      }
      return false;
    }
    if (b.limit() < b.capacity() && b.position() < b.capacity() / 2) {
      return false;
    }
    if (b.position() > 0) {
      b.compact().flip();
      if (b.limit() < b.capacity() && !(lastReadFilled && b == small)) {
        return false;
      }
    }
    if (b.capacity() < BufferPool.BUFFER_SIZE) {
      upgrade(BufferPool.BUFFER_SIZE);
      return false;
    }
    if (b.limit() < b.capacity()) {
      return false;
    }
    if (b.capacity() >= cap) {
      throw new FrameTooLongException(
          -1, cap - SLACK, false, "the codec's maxFrameSize (its decoder did not enforce it)");
    }
    upgrade((int) Math.min(cap, 2L * b.capacity()));
    return false;
  }

  /** Moves the undecoded bytes into a buffer of {@code size} bytes. */
  private void upgrade(int size) {
    ByteBuffer bigger;
    boolean fromPool = size == BufferPool.BUFFER_SIZE;
    bigger = fromPool ? pool.take() : ByteBuffer.allocate(size);
    bigger.put(buffer).flip();
    release();
    buffer = bigger;
    pooled = fromPool;
  }

  /**
   * The decoder took the body of a large frame, which the channel now reads straight into the
   * frame: gives the large buffer back, and makes the read after the body a small one.
   */
  void afterBody() {
    release();
    lastReadFilled = false;
    lastReadBulk = false;
    headerNext = true;
  }

  /** Drops the large buffer (undecoded bytes included), keeping the small one. */
  void release() {
    if (pooled) {
      pool.give(buffer);
      pooled = false;
    }
    buffer = EMPTY;
  }
}
