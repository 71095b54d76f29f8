package dev.sockettoolkit.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory pipe: a bounded ring buffer with a writer end and a reader end.
 *
 * <p>The bound is the backpressure: a writer blocks while the buffer is full, as it would on a
 * full TCP send buffer.
 *
 * <p>Every wait and every wake-up goes through the pipe's {@link TimeSource}, so that a virtual
 * clock knows when the threads on both ends are blocked and can fire read timeouts in its time.
 */
final class PipeBuffer {
  private final byte[] ring;
  private final TimeSource time;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private int head;
  private int count;
  private boolean writerShutdown;
  private boolean readerClosed;
  private boolean writerClosed;
  private boolean reset;

  PipeBuffer(int capacity, TimeSource time) {
    this.ring = new byte[capacity];
    this.time = time;
  }

  /** The source whose waits a pipe between ends on {@code a} and {@code b} uses: not the system's if either is another. */
  static TimeSource shared(TimeSource a, TimeSource b) {
    return a.isSystem() ? b : a;
  }

  /** Reads what is buffered (at least one byte), waiting up to {@code timeoutNanos} (0: forever). */
  int read(ByteBuffer dst, long timeoutNanos) throws IOException {
    lock.lock();
    try {
      long deadline = timeoutNanos == 0 ? 0 : time.nanoTime() + timeoutNanos;
      boolean interrupted = false;
      while (count == 0 && !writerShutdown && !reset && !readerClosed) {
        if (timeoutNanos == 0) {
          interrupted |= awaitUninterruptibly(readable);
        } else {
          if (time.nanoTime() - deadline >= 0) {
            throw new SocketTimeoutException("read timed out");
          }
          time.await(lock, readable, true, deadline);
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (readerClosed) {
        throw new AsynchronousCloseException();
      }
      if (reset) {
        throw new IOException("connection reset by peer");
      }
      if (count == 0) {
        return -1;
      }
      int n = Math.min(count, dst.remaining());
      int first = Math.min(n, ring.length - head);
      dst.put(ring, head, first);
      dst.put(ring, 0, n - first);
      head = (head + n) % ring.length;
      count -= n;
      time.signalAll(writable);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("read interrupted");
    } finally {
      lock.unlock();
    }
  }

  /** Reads what is buffered without waiting: the count, 0 if nothing is, -1 at end of stream. */
  int readNow(ByteBuffer dst) throws IOException {
    lock.lock();
    try {
      if (count == 0 && !writerShutdown && !reset && !readerClosed) {
        return 0;
      }
      return read(dst, 0); // something to report (the lock is held): returns at once
    } finally {
      lock.unlock();
    }
  }

  /** Writes as much of {@code src} as fits, waiting until at least one byte fits. */
  int write(ByteBuffer src) throws IOException {
    lock.lock();
    try {
      while (count == ring.length && !reset && !readerClosed && !writerClosed) {
        // The write timeout is enforced by the connection's timer, which aborts and signals us.
        if (time.isSystem()) {
          writable.await(1, TimeUnit.SECONDS);
        } else {
          time.await(lock, writable, false, 0);
        }
      }
      if (writerClosed) {
        throw new AsynchronousCloseException();
      }
      if (reset) {
        throw new IOException("connection reset by peer");
      }
      if (readerClosed) {
        throw new IOException("connection reset: the peer closed its end");
      }
      int n = Math.min(ring.length - count, src.remaining());
      int tail = (head + count) % ring.length;
      int first = Math.min(n, ring.length - tail);
      src.get(ring, tail, first);
      src.get(ring, 0, n - first);
      count += n;
      time.signalAll(readable);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("write interrupted");
    } finally {
      lock.unlock();
    }
  }

  /** The writer is done: the reader sees end of stream after the buffered bytes. */
  void shutdownWriter() {
    update(() -> writerShutdown = true);
  }

  /** The writer's connection closed locally: a blocked writer is released. */
  void closeWriter() {
    update(
        () -> {
          writerShutdown = true;
          writerClosed = true;
        });
  }

  /** The reader's connection closed: buffered bytes are dropped and later writes fail. */
  void closeReader() {
    update(
        () -> {
          readerClosed = true;
          head = 0;
          count = 0;
        });
  }

  /** Either end aborted: both ends fail from now on. */
  void reset() {
    update(
        () -> {
          reset = true;
          count = 0;
        });
  }

  /** Waits on {@code condition} without a deadline; whether the thread was interrupted meanwhile. */
  private boolean awaitUninterruptibly(Condition condition) {
    if (time.isSystem()) {
      condition.awaitUninterruptibly();
      return false;
    }
    try {
      time.await(lock, condition, false, 0);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  private void update(Runnable change) {
    lock.lock();
    try {
      change.run();
      time.signalAll(readable);
      time.signalAll(writable);
    } finally {
      lock.unlock();
    }
  }
}
