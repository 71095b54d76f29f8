package dev.sockettoolkit.tls;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ciphertext buffers shared by every TLS connection in the JVM: a connection holds one for its
 * output only while it is wrapping and sending, and one for its input only while records are
 * arriving, so an idle connection holds none. They only ever hold ciphertext, which is what goes
 * on the wire anyway.
 */
final class CiphertextBufferPool {
  private static final int MAX_POOLED = 4 * Runtime.getRuntime().availableProcessors() + 8;
  private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();

  private CiphertextBufferPool() {}

  /** A cleared heap buffer of at least {@code capacity} bytes. */
  static ByteBuffer acquire(int capacity) {
    ByteBuffer buffer = FREE.poll();
    if (buffer != null) {
      POOLED.decrementAndGet();
      if (buffer.capacity() >= capacity) {
        return buffer.clear();
      }
    }
    return ByteBuffer.allocate(capacity);
  }

  /** Returns {@code buffer} to the pool, or drops it when the pool is full. */
  static void release(ByteBuffer buffer) {
    if (POOLED.incrementAndGet() <= MAX_POOLED) {
      FREE.offer(buffer);
    } else {
      POOLED.decrementAndGet();
    }
  }
}
