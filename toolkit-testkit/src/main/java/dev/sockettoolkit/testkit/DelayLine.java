package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers one direction's chunks after the conditions' latency and jitter, in order, from a
 * delivery thread. At most {@link NetworkConditions#bufferSize()} bytes are in flight; beyond that
 * the writer blocks, as on a real network.
 */
final class DelayLine {
  private static final Object SHUTDOWN = new Object();
  private static final Object CLOSE = new Object();

  private final Connection delegate;
  private final long latencyNanos;
  private final long jitterNanos;
  private final Random random;
  private final int capacity;
  private final Semaphore inFlight;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread pump;
  private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
  private volatile IOException failure;
  private volatile boolean outputShutdown;
  private volatile boolean closed;
  private long lastDue;

  private record Item(Object payload, long due, int permits) {}

  DelayLine(Connection delegate, NetworkConditions conditions, Random random) {
    this.delegate = delegate;
    this.latencyNanos = conditions.latency().toNanos();
    this.jitterNanos = conditions.jitter().toNanos();
    this.random = random;
    this.capacity = conditions.bufferSize();
    this.inFlight = new Semaphore(capacity);
    this.pump = new Thread(this::run, "testkit-delay " + delegate.localAddress());
    pump.setDaemon(true);
    pump.start();
  }

  boolean isOpen() {
    return !closed;
  }

  void checkHealthy() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw f;
    }
  }

  void send(ByteBuffer piece) throws IOException {
    checkWritable();
    int permits = Math.min(piece.remaining(), capacity);
    try {
      inFlight.acquire(permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the network buffer was full");
    }
    checkHealthy();
    enqueue(piece, permits);
  }

  private void checkWritable() throws IOException {
    if (closed) {
      throw new ConnectionClosedException(
          "cannot write to " + delegate.remoteAddress() + ": the connection is closed");
    }
    if (outputShutdown) {
      throw new ConnectionClosedException(
          "cannot write to " + delegate.remoteAddress() + ": output was shut down (half-closed)");
    }
    checkHealthy();
  }

  void stall(Duration duration) {
    enqueue(duration, 0);
  }

  /** Delivers everything queued, then half-closes. Idempotent. */
  void shutdownOutput() throws IOException {
    if (closed) {
      throw new ConnectionClosedException(
          "cannot shut down output of " + delegate.remoteAddress() + ": the connection is closed");
    }
    if (!outputShutdown) {
      outputShutdown = true;
      enqueue(SHUTDOWN, 0);
    }
  }

  /** Delivers everything queued, then closes gracefully. Idempotent; quiet after a failure. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    enqueue(CLOSE, 0);
    try {
      finished.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
    }
  }

  /** Discards everything queued and resets the connection. Idempotent. */
  void abort() {
    closed = true;
    queue.clear();
    pump.interrupt();
    delegate.abort();
  }

  private synchronized void enqueue(Object payload, int permits) {
    long jitter = jitterNanos == 0 ? 0 : (long) (random.nextDouble() * jitterNanos);
    long due = Math.max(lastDue, System.nanoTime() + latencyNanos + jitter);
    lastDue = due;
    queue.add(new Item(payload, due, permits));
  }

  private void run() {
    try {
      while (true) {
        Item item = queue.take();
        long wait;
        while ((wait = item.due() - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
          if (Thread.interrupted()) {
            return;
          }
        }
        Object payload = item.payload();
        if (payload == CLOSE) {
          delegate.close();
          return;
        } else if (payload == SHUTDOWN) {
          if (delegate.isOpen()) {
            delegate.shutdownOutput();
          }
        } else if (payload instanceof Duration pause) {
          TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        } else {
          delegate.write((ByteBuffer) payload);
          inFlight.release(item.permits());
        }
      }
    } catch (IOException e) {
      failure = e;
      delegate.abort();
    } catch (InterruptedException e) {
      // Aborted: nothing more to deliver.
    } finally {
      inFlight.release(capacity);
      finished.countDown();
    }
  }
}
