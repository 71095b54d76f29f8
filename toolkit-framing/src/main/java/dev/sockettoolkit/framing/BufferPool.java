package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;

/**
 * A small, bounded, lock-free pool ({@link Slots}) of 64 KiB heap receive buffers shared by all
 * channels, so that a busy channel reads into a large buffer while an idle one holds none. Taking
 * and giving allocate nothing; a buffer given when the pool is full is left to the garbage
 * collector.
 */
final class BufferPool {
  static final int BUFFER_SIZE = 64 * 1024;
  static final BufferPool SHARED = new BufferPool(Slots.DEFAULT_SIZE);

  private final Slots<ByteBuffer> slots;

  BufferPool(int slots) {
    this.slots = new Slots<>(slots);
  }

  /** A cleared buffer of {@link #BUFFER_SIZE} bytes, pooled or new. */
  ByteBuffer take() {
    ByteBuffer b = slots.take();
    return b != null ? b.clear() : ByteBuffer.allocate(BUFFER_SIZE);
  }

  /** Returns a buffer that came from {@link #take()}; the caller must not use it afterwards. */
  void give(ByteBuffer b) {
    if (b.capacity() == BUFFER_SIZE && !b.isDirect()) {
      slots.give(b);
    }
  }
}
