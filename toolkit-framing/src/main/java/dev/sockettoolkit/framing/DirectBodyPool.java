package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of {@value #BUFFER_SIZE} bytes for the large frames that {@link
 * MessageChannel#receiveBatch} lends: the body is read into one without the JDK's copy through a
 * temporary direct buffer, and sent on from it the same way. At most {@value #MAX_OUT} are out at
 * once in the whole JVM (4 MiB); beyond that, {@link #take()} returns null and the caller
 * allocates a heap buffer as for an owned frame. Given-back buffers wait in a {@link Slots} store,
 * so after warm-up taking allocates nothing.
 */
final class DirectBodyPool {
  static final int BUFFER_SIZE = 64 * 1024;
  static final int MAX_OUT = 64;
  static final DirectBodyPool SHARED = new DirectBodyPool(MAX_OUT);

  private final Slots<ByteBuffer> free;
  private final AtomicInteger out = new AtomicInteger();
  private final int maxOut;

  DirectBodyPool(int maxOut) {
    this.maxOut = maxOut;
    this.free = new Slots<>(maxOut);
  }

  /**
   * A cleared direct buffer of {@link #BUFFER_SIZE} bytes whose limit is {@code length}, or null
   * if {@code length} is larger or {@value #MAX_OUT} buffers are out.
   */
  ByteBuffer take(int length) {
    if (length > BUFFER_SIZE) {
      return null;
    }
    int n;
    do {
      n = out.get();
      if (n >= maxOut) {
        return null;
      }
    } while (!out.compareAndSet(n, n + 1));
    ByteBuffer b = free.take();
    if (b == null) {
      b = ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
    b.clear().limit(length);
    return b;
  }

  /** Gives back a buffer that {@link #take} returned; the caller must not use it afterwards. */
  void give(ByteBuffer b) {
    out.decrementAndGet();
    free.give(b);
  }

  /**
   * Forgets a buffer that {@link #take} returned, which its caller keeps: it no longer counts as
   * out, and the garbage collector frees it once unreachable.
   */
  void detach() {
    out.decrementAndGet();
  }

  /** Buffers taken and not given back, for tests. */
  int out() {
    return out.get();
  }
}
