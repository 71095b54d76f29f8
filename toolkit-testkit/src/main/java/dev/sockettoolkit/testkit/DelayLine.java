package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.TimeSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers one direction's chunks after the conditions' latency and jitter, in order, from a
 * delivery thread. At most {@link NetworkConditions#bufferSize()} bytes are in flight; beyond that
 * the writer blocks, as on a real network.
 *
 * <p>Time is the delegate's {@link Connection#timeSource()}: under a {@link VirtualClock} a chunk
 * is delivered when virtual time reaches its due time, and every wait here is one the clock sees.
 */
final class DelayLine {
  private static final Object SHUTDOWN = new Object();
  private static final Object CLOSE = new Object();

  private final Connection delegate;
  private final TimeSource time;
  private final long latencyNanos;
  private final long jitterNanos;
  private final Random random;
  private final int capacity;
  private final Thread pump;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when an item is queued or the line is aborted: the pump looks again. */
  private final Condition queued = lock.newCondition();
  /** Signalled when bytes were delivered or the pump ended: writers and closers look again. */
  private final Condition progress = lock.newCondition();
  private final ArrayDeque<Item> queue = new ArrayDeque<>(); // guarded by lock
  private int inFlight; // guarded by lock
  private boolean aborted; // guarded by lock
  private boolean finished; // guarded by lock
  private volatile IOException failure;
  private volatile boolean outputShutdown;
  private volatile boolean closed;
  private long lastDue; // guarded by lock
  private boolean anyQueued; // guarded by lock

  private record Item(Object payload, long due, int permits) {}

  DelayLine(Connection delegate, NetworkConditions conditions, Random random) {
    this.delegate = delegate;
    this.time = delegate.timeSource();
    this.latencyNanos = conditions.latency().toNanos();
    this.jitterNanos = conditions.jitter().toNanos();
    this.random = random;
    this.capacity = conditions.bufferSize();
    this.pump = new Thread(this::run, "testkit-delay " + delegate.localAddress());
    pump.setDaemon(true);
    VirtualClock.starting(time, pump);
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
    lock.lock();
    try {
      while (inFlight + permits > capacity && !finished) {
        VirtualClock.await(time, lock, progress, false, 0);
      }
      if (finished) {
        checkHealthy();
        throw new ConnectionClosedException(
            "cannot write to " + delegate.remoteAddress() + ": the connection is closed");
      }
      inFlight += permits;
      enqueue(piece, permits);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the network buffer was full");
    } finally {
      lock.unlock();
    }
    checkHealthy();
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
    enqueueLocked(duration, 0);
  }

  /** Delivers everything queued, then half-closes. Idempotent. */
  void shutdownOutput() throws IOException {
    if (closed) {
      throw new ConnectionClosedException(
          "cannot shut down output of " + delegate.remoteAddress() + ": the connection is closed");
    }
    if (!outputShutdown) {
      outputShutdown = true;
      enqueueLocked(SHUTDOWN, 0);
    }
  }

  /** Delivers everything queued, then closes gracefully. Idempotent; quiet after a failure. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean interrupted = false;
    lock.lock();
    try {
      enqueue(CLOSE, 0);
      while (!finished && !interrupted) {
        try {
          VirtualClock.await(time, lock, progress, false, 0);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      abort();
    }
  }

  /** Discards everything queued and resets the connection. Idempotent. */
  void abort() {
    closed = true;
    lock.lock();
    try {
      aborted = true;
      queue.clear();
      VirtualClock.signalAll(time, queued);
    } finally {
      lock.unlock();
    }
    pump.interrupt();
    delegate.abort();
  }

  private void enqueueLocked(Object payload, int permits) {
    lock.lock();
    try {
      enqueue(payload, permits);
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code payload}, due after the latency and jitter; under the lock. */
  private void enqueue(Object payload, int permits) {
    long jitter = jitterNanos == 0 ? 0 : (long) (random.nextDouble() * jitterNanos);
    long due = time.nanoTime() + latencyNanos + jitter;
    if (anyQueued && due - lastDue < 0) {
      due = lastDue; // in order: never before the chunk written earlier
    }
    anyQueued = true;
    lastDue = due;
    queue.add(new Item(payload, due, permits));
    VirtualClock.signalAll(time, queued);
  }

  /** The next item once it is due, or null when aborted. */
  private Item nextDue() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (aborted) {
          return null;
        }
        Item item = queue.peek();
        if (item == null) {
          VirtualClock.await(time, lock, queued, false, 0);
        } else if (item.due() - time.nanoTime() > 0) {
          VirtualClock.await(time, lock, queued, true, item.due());
        } else {
          return queue.poll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits {@code pause} of the line's time; false when aborted meanwhile. */
  private boolean pause(Duration pause) throws InterruptedException {
    long until = time.nanoTime() + pause.toNanos();
    lock.lock();
    try {
      while (!aborted && until - time.nanoTime() > 0) {
        VirtualClock.await(time, lock, queued, true, until);
      }
      return !aborted;
    } finally {
      lock.unlock();
    }
  }

  private void delivered(int permits) {
    lock.lock();
    try {
      inFlight -= permits;
      VirtualClock.signalAll(time, progress);
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    try {
      for (Item item; (item = nextDue()) != null; ) {
        Object payload = item.payload();
        if (payload == CLOSE) {
          delegate.close();
          return;
        } else if (payload == SHUTDOWN) {
          if (delegate.isOpen()) {
            delegate.shutdownOutput();
          }
        } else if (payload instanceof Duration stall) {
          if (!pause(stall)) {
            return;
          }
        } else {
          delegate.write((ByteBuffer) payload);
          delivered(item.permits());
        }
      }
    } catch (IOException e) {
      failure = e;
      delegate.abort();
    } catch (InterruptedException e) {
      // Aborted: nothing more to deliver.
    } finally {
      lock.lock();
      try {
        finished = true;
        inFlight = 0;
        VirtualClock.signalAll(time, progress);
      } finally {
        lock.unlock();
      }
    }
  }
}
