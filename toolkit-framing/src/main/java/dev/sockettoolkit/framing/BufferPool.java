package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small, bounded, lock-free pools ({@link Slots}) of 64 KiB buffers shared by all channels, so
 * that a busy channel reads and writes through a large buffer while an idle one holds none.
 * Taking and giving allocate nothing once a pool is warm; a buffer given when the pool is full is
 * left to the garbage collector.
 *
 * <p>{@link #HEAP} holds heap buffers: the receive buffers of channels whose decoder scans every
 * byte (lines, delimiters, text), which it does fastest in an array. {@link #DIRECT} holds direct
 * buffers, which a socket reads into and writes from without the JDK's copy through a temporary
 * direct buffer of its own: the send buffers of every channel, the receive buffers of
 * length-prefix channels (whose decoder reads only headers) and the large bodies that {@link
 * MessageChannel#receiveBatch} lends. At most {@value #MAX_DIRECT} direct buffers are out at once
 * in the whole JVM (8 MiB); past that, {@code DIRECT} hands out buffers of the heap pool, so
 * native memory stays bounded however many channels are busy, and nothing is allocated per use
 * either way.
 *
 * <p>A channel gives its buffers back when it is closed, fails, or reaches the end of the stream,
 * and while idle. One dropped without any of these while it held a direct buffer keeps that
 * buffer counted as out; the garbage collector frees the memory, and past {@value #MAX_DIRECT}
 * such losses channels use heap buffers, as with a heap-only pool.
 */
final class BufferPool {
  static final int BUFFER_SIZE = 64 * 1024;
  static final int MAX_DIRECT = 128;
  static final BufferPool HEAP = new BufferPool(false, Slots.DEFAULT_SIZE, null);
  static final BufferPool DIRECT = new BufferPool(true, MAX_DIRECT, HEAP);

  private final boolean direct;
  /** Where a direct pool takes and gives heap buffers once its direct ones are out; else null. */
  private final BufferPool heap;
  private final Slots<ByteBuffer> slots;
  /** Direct buffers taken and not given back (direct pool only). */
  private final AtomicInteger out = new AtomicInteger();
  private final int maxOut;

  /**
   * A pool of heap buffers keeping up to {@code size} of them ({@code heap} null), or of direct
   * buffers of which at most {@code size} are out at once, handing out those of {@code heap} past
   * that.
   */
  BufferPool(boolean direct, int size, BufferPool heap) {
    if (direct == (heap == null)) {
      throw new IllegalArgumentException(
          "a direct pool needs a heap pool to fall back on, and a heap pool takes none");
    }
    this.direct = direct;
    this.slots = new Slots<>(size);
    this.maxOut = size;
    this.heap = heap;
  }

  /**
   * A cleared buffer of {@link #BUFFER_SIZE} bytes: pooled or new; for a direct pool with all its
   * buffers out, one of the heap pool.
   */
  ByteBuffer take() {
    if (direct) {
      ByteBuffer b = takeDirect(BUFFER_SIZE);
      return b != null ? b : heap.take();
    }
    ByteBuffer b = slots.take();
    return b != null ? b.clear() : ByteBuffer.allocate(BUFFER_SIZE);
  }

  /**
   * A cleared direct buffer of {@link #BUFFER_SIZE} bytes whose limit is {@code length}, or null
   * if {@code length} is larger, this is the heap pool or {@value #MAX_DIRECT} direct buffers are
   * out.
   */
  ByteBuffer takeDirect(int length) {
    if (!direct || length > BUFFER_SIZE) {
      return null;
    }
    int n;
    do {
      n = out.get();
      if (n >= maxOut) {
        return null;
      }
    } while (!out.compareAndSet(n, n + 1));
    ByteBuffer b = slots.take();
    if (b == null) {
      b = ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    b.clear().limit(length);
    return b;
  }

  /**
   * Returns a buffer that came from {@link #take()} or {@link #takeDirect}; the caller must not
   * use it afterwards.
   */
  void give(ByteBuffer b) {
    if (b.capacity() != BUFFER_SIZE) {
      return; // one that grew past the pooled size: for the collector
    }
    if (b.isDirect() != direct) {
      if (direct) {
        heap.give(b); // a heap buffer this direct pool handed out when it had none left
      }
      return;
    }
    if (direct) {
      out.decrementAndGet();
    }
    slots.give(b);
  }

  /** Whether this is the pool of direct buffers. */
  boolean isDirect() {
    return direct;
  }

  /** Direct buffers out now, for tests. */
  int out() {
    return out.get();
  }
}
