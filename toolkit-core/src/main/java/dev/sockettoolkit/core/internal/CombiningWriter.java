package dev.sockettoolkit.core.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock for the writers of one connection, with flat combining: a writer that finds the lock
 * taken queues its item and parks; whoever holds the lock writes the queued items together with
 * its own (in one gathering write, say) and completes each, so {@link #write} still returns only
 * after its own item was written, or throws its own failure. A writer that releases the lock
 * unparks the first queued one, which takes the lock and carries on with the queue. Parked
 * writers never queue on the lock itself: writers whose items are done would otherwise convoy
 * through it one by one. No background thread is involved. A lone writer allocates nothing.
 *
 * <p>What the holder does with the items is the {@link Combiner}'s: the message channel encodes
 * messages into a pooled buffer, the TLS layer wraps plaintext into records.
 *
 * <pre>{@code
 * CombiningWriter<ByteBuffer> writer = new CombiningWriter<>((own, queued) -> { ... });
 * writer.write(buffer);               // from any number of threads
 * writer.exclusively(() -> close());  // once no write is in progress
 * }</pre>
 *
 * <p>The lock is a {@link ReentrantLock}, so a virtual thread blocked in a write never pins its
 * carrier.
 *
 * @param <T> what a writer hands over
 */
public final class CombiningWriter<T> {
  /**
   * How long a parked writer waits before it checks its item and the lock again, in case a
   * wake-up was lost: a lost wake-up costs latency, never liveness.
   */
  public static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final VarHandle QUEUE;

  static {
    try {
      QUEUE =
          MethodHandles.lookup()
              .findVarHandle(CombiningWriter.class, "queue", ConcurrentLinkedQueue.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Combiner<T> combiner;
  /** Writers that found the lock taken; made on first contention, through {@link #QUEUE}. */
  private volatile ConcurrentLinkedQueue<Request<T>> queue;

  /** A writer whose holder of the lock runs {@code combiner}. */
  public CombiningWriter(Combiner<T> combiner) {
    this.combiner = combiner;
  }

  /** What the holder of the lock does with the items. */
  public interface Combiner<T> {
    /**
     * Under the lock: writes {@code own}, the calling thread's item (null when it is queued
     * itself), and items that other threads queued, taken with {@link #poll()}. Every request
     * taken must be completed ({@link Request#complete()} or {@link Request#fail}) before this
     * returns or throws.
     *
     * @throws IOException the failure of {@code own}
     */
    void combine(T own, CombiningWriter<T> writer) throws IOException;

    /** Under the lock, just before it is released: gives back what the holder borrowed. */
    default void beforeUnlock() {}
  }

  /** Something to run under the lock. */
  @FunctionalInterface
  public interface Action {
    /** Runs under the lock. */
    void run() throws IOException;
  }

  /** An item a writer queued, waiting for the holder of the lock to write it. */
  public static final class Request<T> {
    private final T item;
    private final Thread writer;
    private volatile boolean done;
    private volatile IOException failure;

    Request(T item, Thread writer) {
      this.item = item;
      this.writer = writer;
    }

    /** The item to write. */
    public T item() {
      return item;
    }

    /** The item was written: its writer returns. */
    public void complete() {
      done = true;
      LockSupport.unpark(writer);
    }

    /** The item failed: its writer throws {@code e}. */
    public void fail(IOException e) {
      failure = e;
      done = true;
      LockSupport.unpark(writer);
    }
  }

  /**
   * Writes {@code item}, possibly together with other threads' items, and returns once it was
   * written. A thread interrupted while it waits keeps waiting (the holder may be writing its item
   * right now) and returns with its interrupt status set.
   *
   * @throws IOException if writing {@code item} failed
   */
  public void write(T item) throws IOException {
    if (lock.tryLock()) {
      try {
        combiner.combine(item, this);
      } finally {
        unlock();
      }
      return;
    }
    Request<T> own = new Request<>(item, Thread.currentThread());
    ConcurrentLinkedQueue<Request<T>> waiting = queue();
    waiting.add(own);
    boolean interrupted = false;
    try {
      while (!own.done) {
        boolean locked = lock.tryLock();
        if (!locked && Thread.interrupted()) {
          // Parking would return at once forever: wait for the lock the plain way instead.
          interrupted = true;
          lock.lock();
          locked = true;
        }
        if (!locked) {
          // Woken when the holder has written the item, or when the lock is free.
          LockSupport.parkNanos(this, RECHECK_NANOS);
          continue;
        }
        try {
          if (!own.done) {
            combiner.combine(null, this);
          }
        } catch (IOException | RuntimeException e) {
          if (!own.done) {
            waiting.remove(own); // the combiner failed before it reached this item
            throw e;
          }
        } finally {
          unlock();
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

  /** For the combiner, under the lock: the next queued request, or null. */
  public Request<T> poll() {
    ConcurrentLinkedQueue<Request<T>> q = queue;
    return q == null ? null : q.poll();
  }

  /** For the combiner, under the lock: whether requests are queued. */
  public boolean hasQueued() {
    ConcurrentLinkedQueue<Request<T>> q = queue;
    return q != null && !q.isEmpty();
  }

  /** For the combiner, under the lock: fails every queued request with {@code e}. */
  public void failQueued(IOException e) {
    for (Request<T> r; (r = poll()) != null; ) {
      r.fail(e);
    }
  }

  /** Runs {@code action} once no write is in progress, holding further writes back meanwhile. */
  public void exclusively(Action action) throws IOException {
    lock.lock();
    try {
      action.run();
    } finally {
      unlock();
    }
  }

  /**
   * Runs {@code action} like {@link #exclusively} if the lock can be had within {@code timeout}
   * (zero: only if it is free now); returns whether it ran. An interrupt while waiting counts as
   * the lock not had, with the interrupt status kept.
   */
  public boolean tryExclusively(long timeout, TimeUnit unit, Action action) throws IOException {
    boolean locked;
    try {
      locked = timeout <= 0 ? lock.tryLock() : lock.tryLock(timeout, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (!locked) {
      return false;
    }
    try {
      action.run();
    } finally {
      unlock();
    }
    return true;
  }

  /** Whether the calling thread holds the lock. */
  public boolean isHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  private ConcurrentLinkedQueue<Request<T>> queue() {
    ConcurrentLinkedQueue<Request<T>> q = queue;
    if (q == null) {
      q = new ConcurrentLinkedQueue<>();
      if (!QUEUE.compareAndSet(this, null, q)) {
        q = queue;
      }
    }
    return q;
  }

  /** Lets the combiner give back what it borrowed, releases the lock and wakes the next writer. */
  private void unlock() {
    try {
      combiner.beforeUnlock();
    } finally {
      lock.unlock();
      ConcurrentLinkedQueue<Request<T>> q = queue;
      Request<T> next = q == null ? null : q.peek();
      if (next != null) {
        LockSupport.unpark(next.writer);
      }
    }
  }
}
