package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small, bounded, lock-free pool of 64 KiB heap buffers shared by all channels, so that a busy
 * channel reads and encodes into large buffers while an idle one holds none. Taking and giving
 * allocate nothing; a buffer given when the pool is full is left to the garbage collector.
 */
final class BufferPool {
  static final int BUFFER_SIZE = 64 * 1024;
  static final BufferPool SHARED =
      new BufferPool(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));

  private final AtomicReferenceArray<ByteBuffer> slots;

  BufferPool(int slots) {
    this.slots = new AtomicReferenceArray<>(slots);
  }

  /** A cleared buffer of {@link #BUFFER_SIZE} bytes, pooled or new. */
  ByteBuffer take() {
    int n = slots.length();
    int start = (int) (Thread.currentThread().getId() % n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      ByteBuffer b = slots.get(slot);
      if (b != null && slots.compareAndSet(slot, b, null)) {
        b.clear();
        return b;
      }
    }
    return ByteBuffer.allocate(BUFFER_SIZE);
  }

  /** Returns a buffer that came from {@link #take()}; the caller must not use it afterwards. */
  void give(ByteBuffer b) {
    if (b.capacity() != BUFFER_SIZE || b.isDirect()) {
      return;
    }
    int n = slots.length();
    int start = (int) (Thread.currentThread().getId() % n);
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % n;
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, b)) {
        return;
      }
    }
  }
}
