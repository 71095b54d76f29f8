package dev.sockettoolkit.core;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The clock on which the toolkit measures its timeouts: idle, write and read timeouts, the TLS
 * handshake timeout, a server's drain timeout, and the waits of in-memory connections.
 *
 * <p>Every connection uses {@link #system()} unless its {@link ConnectionOptions} name another
 * source, so nothing changes, and nothing costs more, for code that never mentions one. Tests
 * choose another source to run the timeouts they ship without waiting for them: the testkit's
 * {@code VirtualClock} is one, and turns a five-minute idle timeout over an in-memory network into
 * a few milliseconds of real time.
 *
 * <pre>{@code
 * try (VirtualClock clock = VirtualClock.autoAdvancing()) {
 *   Server server = Server.builder()
 *       .bind(InMemoryAddress.named("chat"))
 *       .timeSource(clock)                     // 5 min idle timeout, in virtual time
 *       .handler(connection -> connection.read(ByteBuffer.allocate(1)))
 *       .start();
 *   Connection client = Client.connect(InMemoryAddress.named("chat"),
 *       ConnectionOptions.defaults().toBuilder().timeSource(clock).build());
 *   client.read(ByteBuffer.allocate(1));       // reset by the server after 5 virtual minutes
 * }
 * }</pre>
 *
 * <p>A virtual source governs the waits that the toolkit makes itself. Reads of TCP and
 * Unix-domain sockets wait in the kernel, on real time; use a virtual source with in-memory
 * connections ({@link ConnectionPair#inMemory}, {@link InMemoryAddress}).
 *
 * <p>Implementing a source means implementing all three abstract methods consistently: the waits
 * and the scheduled actions must end when {@link #nanoTime()} reaches their deadline, and only
 * then.
 */
public abstract class TimeSource {
  private static final TimeSource SYSTEM = new SystemTime();

  /** For subclasses. */
  protected TimeSource() {}

  /** Real time: {@link System#nanoTime()}, and waits that take as long as they say. */
  public static TimeSource system() {
    return SYSTEM;
  }

  /**
   * The current time in nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: only
   * differences between two values mean anything.
   */
  public abstract long nanoTime();

  /**
   * Makes the calling thread wait on {@code condition} of {@code lock}, which it holds, until the
   * condition is signalled (through {@link #signalAll}), the thread is interrupted, or this
   * source's time reaches {@code deadline} (a {@link #nanoTime()} value). {@code hasDeadline} false
   * waits without a deadline. May return early, spuriously; callers check their own state and the
   * time again.
   *
   * @throws InterruptedException if the thread was interrupted
   */
  protected abstract void await(Lock lock, Condition condition, boolean hasDeadline, long deadline)
      throws InterruptedException;

  /**
   * Runs {@code action} once, on a thread of this source's choosing, when this source's time
   * reaches {@code deadline}, unless cancelled first through the returned handle. The action must
   * not block for long.
   */
  protected abstract Scheduled schedule(long deadline, Runnable action);

  /**
   * Wakes every thread waiting on {@code condition} in {@link #await}; the caller holds the
   * condition's lock. Virtual sources override this to know which threads are about to run.
   */
  protected void signalAll(Condition condition) {
    condition.signalAll();
  }

  /**
   * Told of each thread the toolkit starts for connections on this source (a server's accepting
   * and handler threads, the testkit's delivery threads) before it starts. Virtual sources
   * override this to know which threads take part; the system source ignores it.
   */
  protected void threadStarting(Thread thread) {}

  /** Whether this is {@link #system()}, for the toolkit's own fast paths. */
  final boolean isSystem() {
    return this == SYSTEM;
  }

  /** Cancels an action {@linkplain #schedule scheduled} on a time source. */
  @FunctionalInterface
  protected interface Scheduled {
    /** Cancels the action if it has not run yet; does nothing otherwise. */
    void cancel();
  }

  private static final class SystemTime extends TimeSource {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    protected void await(Lock lock, Condition condition, boolean hasDeadline, long deadline)
        throws InterruptedException {
      if (hasDeadline) {
        condition.awaitNanos(deadline - System.nanoTime());
      } else {
        condition.await();
      }
    }

    @Override
    protected Scheduled schedule(long deadline, Runnable action) {
      Objects.requireNonNull(action, "action");
      ScheduledFuture<?> future =
          Scheduler.INSTANCE.schedule(action, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    }

    @Override
    public String toString() {
      return "TimeSource.system()";
    }
  }

  /**
   * The thread for actions scheduled on the system source. The toolkit's own timeouts never use
   * it (connections share {@link ConnectionTimer}); it exists for code written against any source.
   */
  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "toolkit-time");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
