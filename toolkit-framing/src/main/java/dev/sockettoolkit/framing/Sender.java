package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a {@link MessageChannel}: encodes frames into an {@link OutboundBuffer} and
 * writes them with as few gathering writes as possible.
 *
 * <p>Concurrent senders combine: a thread that finds the lock taken queues its message and parks;
 * whoever holds the lock encodes every queued message too, writes them all at once and unparks
 * their senders with the outcome (written, or the exception), so {@code send} still returns only
 * after its own frame was written. A sender that releases the lock unparks the first queued one,
 * which takes the lock and carries on with the queue. Parked senders never queue on the lock
 * itself: senders whose messages are done would otherwise convoy through it one by one. No
 * background thread is involved.
 *
 * <p>Between sends a sender holds only its lock: the {@link OutboundBuffer} is borrowed for each
 * time the lock is held, and the queue of waiting senders and the batch are made the first time
 * two threads send at once.
 */
final class Sender<T> {
  private static final int EXTRA_ROUNDS = 4;
  private static final long PARK_NANOS = 10_000_000;
  private static final VarHandle WAITING;

  static {
    try {
      WAITING =
          MethodHandles.lookup().findVarHandle(Sender.class, "waiting", ConcurrentLinkedQueue.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Connection connection;
  private final FrameCodec<T> codec;
  private final ReentrantLock lock = new ReentrantLock();
  /** Borrowed while the lock is held, when first needed; null otherwise. */
  private OutboundBuffer out;
  /** Senders that found the lock taken; made on first contention, through {@link #WAITING}. */
  private volatile ConcurrentLinkedQueue<Pending<T>> waiting;
  /** Messages encoded since the last write, whose senders wait for its outcome; made on first use. */
  private List<Pending<T>> batch;

  Sender(Connection connection, FrameCodec<T> codec) {
    this.connection = connection;
    this.codec = codec;
  }

  void send(T message) throws IOException {
    Objects.requireNonNull(message, "message");
    if (lock.tryLock()) {
      try {
        encode(message); // throws, with nothing sent, if the message cannot be encoded
        combine();
      } finally {
        unlock();
      }
      return;
    }
    Pending<T> own = new Pending<>(message, Thread.currentThread());
    waitingQueue().add(own);
    boolean interrupted = false;
    try {
      while (!own.done) {
        boolean locked = lock.tryLock();
        if (!locked && Thread.interrupted()) {
          // Cannot give up: the holder may be sending this message right now. Wait for the lock.
          interrupted = true;
          lock.lock();
          locked = true;
        }
        if (locked) {
          try {
            if (!own.done) {
              combine();
            }
          } finally {
            unlock();
          }
        } else {
          // Woken when the holder has sent the message, or when the lock is free; the timeout
          // only guards against a missed wake-up.
          LockSupport.parkNanos(this, PARK_NANOS);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (own.failure != null) {
      throw own.failure;
    }
  }

  /**
   * Under the lock: encodes the messages other threads queued, writes everything encoded, and
   * repeats a few times for messages queued meanwhile, bounded so that this sender returns under
   * sustained load.
   */
  private void combine() throws IOException {
    writeWaiting();
    ConcurrentLinkedQueue<Pending<T>> queue = waiting;
    for (int round = 0; round < EXTRA_ROUNDS && queue != null && !queue.isEmpty(); round++) {
      writeWaiting();
    }
  }

  private ConcurrentLinkedQueue<Pending<T>> waitingQueue() {
    ConcurrentLinkedQueue<Pending<T>> queue = waiting;
    if (queue == null) {
      queue = new ConcurrentLinkedQueue<>();
      if (!WAITING.compareAndSet(this, null, queue)) {
        queue = waiting;
      }
    }
    return queue;
  }

  /** The buffer to encode into, borrowed if this holder of the lock has none yet. */
  private OutboundBuffer out() {
    if (out == null) {
      out = OutboundBuffer.borrow();
    }
    return out;
  }

  /** Writes what is encoded, if anything. */
  private void flush() throws IOException {
    if (out != null) {
      out.flushTo(connection);
    }
  }

  /** Gives the buffer back, releases the lock and wakes a queued sender, if any, to take over. */
  private void unlock() {
    OutboundBuffer borrowed = out;
    if (borrowed != null) {
      out = null;
      borrowed.release();
    }
    lock.unlock();
    ConcurrentLinkedQueue<Pending<T>> queue = waiting;
    Pending<T> next = queue == null ? null : queue.peek();
    if (next != null) {
      LockSupport.unpark(next.thread);
    }
  }

  void sendAll(Collection<? extends T> messages) throws IOException {
    Objects.requireNonNull(messages, "messages");
    lock.lock();
    try {
      for (T message : messages) {
        try {
          encode(Objects.requireNonNull(message, "messages contains null"));
        } catch (IOException | RuntimeException e) {
          flush(); // the messages before it are sent
          throw e;
        }
        if (out.shouldFlush()) {
          out.flushTo(connection);
        }
      }
      flush();
    } finally {
      unlock();
    }
  }

  /** Runs {@code action} once no send is in progress, with further sends held back meanwhile. */
  void exclusively(IoAction action) throws IOException {
    lock.lock();
    try {
      action.run();
    } finally {
      unlock();
    }
  }

  /** Whether a buffer is borrowed now, for tests of memory use; a snapshot, read without the lock. */
  boolean holdsBuffer() {
    return out != null;
  }

  /** Something to run under the send lock. */
  interface IoAction {
    void run() throws IOException;
  }

  private void encode(T message) throws IOException {
    OutboundBuffer buffer = out();
    buffer.beginFrame();
    try {
      codec.encode(message, buffer);
    } catch (IOException | RuntimeException e) {
      buffer.abortFrame();
      throw e;
    }
  }

  /** Encodes the messages other threads queued and writes everything encoded. */
  private void writeWaiting() throws IOException {
    ConcurrentLinkedQueue<Pending<T>> queue = waiting;
    for (Pending<T> p; queue != null && (p = queue.poll()) != null; ) {
      try {
        encode(p.message);
        if (batch == null) {
          batch = new ArrayList<>();
        }
        batch.add(p);
      } catch (IOException e) {
        p.fail(e);
      } catch (RuntimeException e) {
        p.fail(new IOException("the codec failed to encode the message: " + e, e));
      }
      if (out.shouldFlush()) {
        write();
      }
    }
    write();
  }

  /** Writes what is encoded and tells the batch's senders; on failure also the waiting ones. */
  private void write() throws IOException {
    try {
      flush();
    } catch (IOException e) {
      if (batch != null) {
        for (Pending<T> p : batch) {
          p.fail(e);
        }
        batch.clear();
      }
      ConcurrentLinkedQueue<Pending<T>> queue = waiting;
      for (Pending<T> p; queue != null && (p = queue.poll()) != null; ) {
        p.fail(e);
      }
      throw e;
    }
    if (batch != null) {
      for (Pending<T> p : batch) {
        p.succeed();
      }
      batch.clear();
    }
  }

  /** A message another thread is sending, waiting for the thread that holds the lock. */
  private static final class Pending<T> {
    final T message;
    final Thread thread;
    volatile boolean done;
    volatile IOException failure;

    Pending(T message, Thread thread) {
      this.message = message;
      this.thread = thread;
    }

    void succeed() {
      done = true;
      LockSupport.unpark(thread);
    }

    void fail(IOException e) {
      failure = e;
      done = true;
      LockSupport.unpark(thread);
    }
  }
}
