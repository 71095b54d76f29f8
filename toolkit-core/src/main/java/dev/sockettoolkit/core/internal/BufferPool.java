package dev.sockettoolkit.core.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small, bounded, lock-free pools ({@link Slots}) of buffers of one size shared by every
 * connection in the JVM, so that a busy connection reads and writes through a large buffer while
 * an idle one holds none. Taking and giving allocate nothing once a pool is warm; a buffer given
 * when the pool is full is left to the garbage collector. The toolkit's one buffer pool: framing
 * and TLS take their buffers here.
 *
 * <p>{@link #HEAP} holds 64 KiB heap buffers: the receive buffers of channels whose decoder scans
 * every byte (lines, delimiters, text), which it does fastest in an array. {@link #DIRECT} holds
 * 64 KiB direct buffers, which a socket reads into and writes from without the JDK's copy through
 * a temporary direct buffer of its own: the send buffers of every channel, the receive buffers of
 * length-prefix channels (whose decoder reads only headers) and the large bodies that a message
 * channel lends. At most {@value #MAX_DIRECT} direct buffers are out at once in the whole JVM (8
 * MiB); past that, {@code DIRECT} hands out buffers of the heap pool, so native memory stays
 * bounded however many channels are busy, and nothing is allocated per use either way. {@link
 * #heap(int)} and {@link #direct(int, int)} make pools of another size (the TLS layer's ciphertext
 * buffers: heap for the JDK's engine, direct for a native one).
 *
 * <p>Whoever takes a buffer gives it back when the traffic stops, the connection closes or fails.
 * One dropped without that while it was a direct buffer stays counted as out; the garbage
 * collector frees the memory, and past {@value #MAX_DIRECT} such losses channels use heap
 * buffers, as with a heap-only pool.
 */
public final class BufferPool {
  /** The size of the buffers of {@link #HEAP} and {@link #DIRECT}. */
  public static final int BUFFER_SIZE = 64 * 1024;
  /** Direct buffers out at once in the JVM, at most. */
  public static final int MAX_DIRECT = 128;
  /** 64 KiB heap buffers. */
  public static final BufferPool HEAP = new BufferPool(false, BUFFER_SIZE, Slots.DEFAULT_SIZE, null);
  /** 64 KiB direct buffers, at most {@value #MAX_DIRECT} out; heap ones from {@link #HEAP} past that. */
  public static final BufferPool DIRECT = new BufferPool(true, BUFFER_SIZE, MAX_DIRECT, HEAP);

  private final boolean direct;
  private final int bufferSize;
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
  BufferPool(boolean direct, int bufferSize, int size, BufferPool heap) {
    if (direct == (heap == null)) {
      throw new IllegalArgumentException(
          "a direct pool needs a heap pool to fall back on, and a heap pool takes none");
    }
    if (heap != null && heap.bufferSize != bufferSize) {
      throw new IllegalArgumentException("a direct pool falls back on heap buffers of its size");
    }
    this.direct = direct;
    this.bufferSize = bufferSize;
    this.slots = new Slots<>(size);
    this.maxOut = size;
    this.heap = heap;
  }

  /** A pool of heap buffers of {@code bufferSize} bytes, keeping a few per core. */
  public static BufferPool heap(int bufferSize) {
    return new BufferPool(false, bufferSize, Slots.DEFAULT_SIZE, null);
  }

  /**
   * A pool of direct buffers of {@code bufferSize} bytes of which at most {@code maxOut} are out
   * at once, handing out heap buffers of the same size past that (for engines that work on native
   * memory, such as Conscrypt's, which copy every heap buffer they are given).
   */
  public static BufferPool direct(int bufferSize, int maxOut) {
    return new BufferPool(true, bufferSize, maxOut, heap(bufferSize));
  }

  /** The size of this pool's buffers. */
  public int bufferSize() {
    return bufferSize;
  }

  /**
   * A cleared buffer of {@link #bufferSize()} bytes: pooled or new; for a direct pool with all its
   * buffers out, one of the heap pool.
   */
  public ByteBuffer take() {
    if (direct) {
      ByteBuffer b = takeDirect(bufferSize);
      return b != null ? b : heap.take();
    }
    ByteBuffer b = slots.take();
    return b != null ? b.clear() : ByteBuffer.allocate(bufferSize);
  }

  /**
   * A cleared buffer of at least {@code capacity} bytes: {@link #take()} if the pool's buffers are
   * that large, else a new heap buffer, which {@link #give} drops.
   */
  public ByteBuffer take(int capacity) {
    return capacity <= bufferSize ? take() : ByteBuffer.allocate(capacity);
  }

  /**
   * A cleared direct buffer of {@link #bufferSize()} bytes whose limit is {@code length}, or null
   * if {@code length} is larger, this is a heap pool or {@value #MAX_DIRECT} direct buffers are
   * out.
   */
  public ByteBuffer takeDirect(int length) {
    if (!direct || length > bufferSize) {
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
      b = ByteBuffer.allocateDirect(bufferSize);
    }
    b.clear().limit(length);
    return b;
  }

  /**
   * Returns a buffer that came from {@link #take()}, {@link #take(int)} or {@link #takeDirect};
   * the caller must not use it afterwards.
   */
  public void give(ByteBuffer b) {
    if (b.capacity() != bufferSize) {
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

  /** Whether this is a pool of direct buffers. */
  public boolean isDirect() {
    return direct;
  }

  /** Direct buffers out now, for tests. */
  public int out() {
    return out.get();
  }
}
