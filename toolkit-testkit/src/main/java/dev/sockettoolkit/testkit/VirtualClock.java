package dev.sockettoolkit.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.core.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Virtual time for in-memory connections: the toolkit's timeouts (idle, write, read, TLS
 * handshake, a server's drain) and the testkit's simulated latency run on this clock instead of
 * real time, so a test can use the values it ships (a five-minute idle timeout, a 30 s write
 * timeout) and still finish in milliseconds, with the same outcome on every run.
 *
 * <p>Give the clock to everything that measures time: {@link
 * dev.sockettoolkit.core.Server.Builder#timeSource}, {@link
 * dev.sockettoolkit.core.ConnectionOptions.Builder#timeSource} for clients, {@link
 * Loopback#inMemoryServerPair}'s options. TLS and {@code MessageChannel} take it from their
 * connection.
 *
 * <pre>{@code
 * InMemoryAddress address = InMemoryAddress.named("idle");
 * try (VirtualClock clock = VirtualClock.autoAdvancing();
 *     Server server =
 *         Server.builder()
 *             .bind(address)
 *             .timeSource(clock)                   // the shipped 5 min idle timeout, virtual
 *             .handler(connection -> connection.read(ByteBuffer.allocate(1)))
 *             .start();
 *     Connection client =
 *         Client.connect(address, ConnectionOptions.defaults().toBuilder().timeSource(clock).build())) {
 *   assertThrows(ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
 *   assertEquals(Duration.ofMinutes(5), clock.elapsed());  // exactly; a few ms of real time
 * }
 * }</pre>
 *
 * <h2>Two ways to move time</h2>
 *
 * <ul>
 *   <li>{@link #advance(Duration)} moves time forward by hand. It fires every timeout and delivers
 *       every delayed chunk that falls due on the way, one deadline at a time, in deadline order,
 *       and waits after each for the threads taking part to settle, so what one deadline starts
 *       (a reply, a new delay) is in place before the next. Works with {@link #manual()} and
 *       {@link #autoAdvancing()} clocks.
 *   <li>An {@linkplain #autoAdvancing() auto-advancing} clock jumps to the next deadline by itself
 *       whenever every thread taking part is blocked: nothing can happen any more except time
 *       passing. (trio's {@code MockClock} with {@code autojump_threshold=0} does this for async
 *       code.) A test then just blocks, in a read or a receive, and the timeout it waits for
 *       fires at once in real time, at exactly its deadline in virtual time.
 * </ul>
 *
 * <h2>Which threads take part</h2>
 *
 * The clock watches the threads that block in the toolkit on it (reads, writes, accepts of
 * in-memory connections, a server's drain, the testkit's delivery threads), the threads the
 * toolkit starts for it (a server's accepting and handler threads), the thread that created the
 * clock, and any you {@linkplain #attach(Thread) attach}. A thread counts as blocked while it
 * waits inside the toolkit on this clock, and stops counting the moment another thread wakes it,
 * before it even runs, so a jump never overtakes work already set in motion. A thread waiting
 * anywhere else (a latch, {@code Future.get}, a lock) counts as blocked only once it and every
 * other thread have stayed still for the {@linkplain #settleTime() settle time} of real time;
 * prefer waiting inside the toolkit. A thread you start yourself that talks to in-memory
 * connections must be attached before it starts, or the clock may jump while it is on its way.
 *
 * <p>Virtual time governs the waits the toolkit makes itself: use it with in-memory connections
 * ({@link Loopback}, {@link dev.sockettoolkit.core.InMemoryAddress}); sockets wait on real time.
 * Close the clock at the end of the test: it stops the auto-advancing thread.
 */
public final class VirtualClock extends TimeSource implements AutoCloseable {
  /** The default {@link #settleTime()}. */
  public static final Duration DEFAULT_SETTLE_TIME = Duration.ofMillis(20);
  /** Virtual time starts here, far from 0, which the toolkit reserves for "no time". */
  private static final long ORIGIN = TimeUnit.DAYS.toNanos(1);
  /** How long {@link #advance} waits for busy threads before it moves time anyway. */
  private static final long ADVANCE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  private final ReentrantLock mutex = new ReentrantLock();
  /** Signalled whenever a thread blocks, wakes or a timer is added: the jumper looks again. */
  private final Condition changed = mutex.newCondition();
  /** Only one thread fires timers at a time, so actions run in deadline order. */
  private final ReentrantLock firing = new ReentrantLock();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(Timer.ORDER);
  /** Threads blocked on this clock that nobody has woken yet, and their condition. */
  private final Map<Thread, Condition> blocked = new IdentityHashMap<>();
  /** Threads woken by a signal that have not run yet. */
  private final Map<Thread, Boolean> woken = new IdentityHashMap<>();
  private final Map<Thread, Boolean> attached = new IdentityHashMap<>();
  private final long settleNanos;
  private final Thread jumper;
  /** Written under the mutex; read without it. */
  private volatile long now = ORIGIN;
  private long sequence;
  /** Counts every block, wake and timer change, so settling can tell that nothing moved. */
  private long activity;
  private boolean closed;

  private VirtualClock(boolean autoAdvance, Duration settle) {
    this.settleNanos = settle.toNanos();
    attached.put(Thread.currentThread(), Boolean.TRUE);
    if (autoAdvance) {
      jumper = new Thread(this::jumpLoop, "testkit-virtual-clock");
      jumper.setDaemon(true);
      jumper.start();
    } else {
      jumper = null;
    }
  }

  /** A clock whose time moves only through {@link #advance(Duration)}. */
  public static VirtualClock manual() {
    return new VirtualClock(false, DEFAULT_SETTLE_TIME);
  }

  /**
   * A clock that jumps to the next deadline whenever every thread taking part is blocked, with
   * the {@linkplain #DEFAULT_SETTLE_TIME default settle time}; {@link #advance} works too.
   */
  public static VirtualClock autoAdvancing() {
    return autoAdvancing(DEFAULT_SETTLE_TIME);
  }

  /**
   * Like {@link #autoAdvancing()}, waiting {@code settle} of real time before it counts threads
   * blocked outside the toolkit (a latch, {@code Future.get}) as blocked for good.
   */
  public static VirtualClock autoAdvancing(Duration settle) {
    Objects.requireNonNull(settle, "settle");
    checkArgument(!settle.isNegative(), "settle must not be negative, got %s", settle);
    return new VirtualClock(true, settle);
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** The virtual time passed since the clock was created. */
  public Duration elapsed() {
    return Duration.ofNanos(nanoTime() - ORIGIN);
  }

  /** How long threads blocked outside the toolkit must stay still before a jump. */
  public Duration settleTime() {
    return Duration.ofNanos(settleNanos);
  }

  /** Makes the calling thread take part: the clock does not jump while it runs. */
  public void attach() {
    attach(Thread.currentThread());
  }

  /**
   * Makes {@code thread} take part; attach a thread you start yourself before starting it. A
   * thread stops taking part when it terminates.
   */
  public void attach(Thread thread) {
    Objects.requireNonNull(thread, "thread");
    mutex.lock();
    try {
      attached.put(thread, Boolean.TRUE);
      touch();
    } finally {
      mutex.unlock();
    }
  }

  /** Makes the calling thread no longer take part (it takes part again if it blocks on the clock). */
  public void detach() {
    mutex.lock();
    try {
      attached.remove(Thread.currentThread());
      touch();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Moves time forward by {@code duration}, firing in deadline order everything that falls due
   * on the way, and returns once the threads taking part have settled after the last of them.
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    checkArgument(!duration.isNegative(), "duration must not be negative, got %s", duration);
    long target;
    mutex.lock();
    try {
      target = now + duration.toNanos();
    } finally {
      mutex.unlock();
    }
    while (true) {
      awaitSettled();
      if (!fireNext(target)) {
        break;
      }
    }
    mutex.lock();
    try {
      if (target - now > 0) {
        now = target;
        touch();
      }
    } finally {
      mutex.unlock();
    }
    awaitSettled();
  }

  /**
   * Blocks the calling thread for {@code duration} of virtual time, as a blocked thread inside
   * the toolkit: an auto-advancing clock may jump over it.
   */
  public void sleep(Duration duration) throws InterruptedException {
    Objects.requireNonNull(duration, "duration");
    ReentrantLock lock = new ReentrantLock();
    Condition never = lock.newCondition();
    lock.lock();
    try {
      long deadline = nanoTime() + duration.toNanos();
      while (nanoTime() - deadline < 0) {
        await(lock, never, true, deadline);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops the auto-advancing thread; time no longer moves by itself. */
  @Override
  public void close() {
    mutex.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      mutex.unlock();
    }
    if (jumper != null) {
      try {
        jumper.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "VirtualClock[+" + elapsed() + (jumper != null ? ", auto-advancing" : "") + "]";
  }

  // ---- TimeSource ----

  @Override
  protected void await(Lock lock, Condition condition, boolean hasDeadline, long deadline)
      throws InterruptedException {
    Thread me = Thread.currentThread();
    Timer timer = null;
    mutex.lock();
    try {
      if (hasDeadline && deadline - now <= 0) {
        return; // already due: the caller sees the time and gives up waiting
      }
      attached.put(me, Boolean.TRUE);
      blocked.put(me, condition);
      woken.remove(me);
      if (hasDeadline) {
        timer = addTimer(deadline, () -> wake(lock, condition));
      }
      touch();
    } finally {
      mutex.unlock();
    }
    try {
      condition.await();
    } finally {
      mutex.lock();
      try {
        blocked.remove(me);
        woken.remove(me);
        if (timer != null && !timer.done) {
          timer.done = true;
          timers.remove(timer);
        }
        touch();
      } finally {
        mutex.unlock();
      }
    }
  }

  @Override
  protected void signalAll(Condition condition) {
    mutex.lock();
    try {
      List<Thread> released = new ArrayList<>();
      blocked.forEach(
          (thread, on) -> {
            if (on == condition) {
              released.add(thread);
            }
          });
      for (Thread thread : released) {
        blocked.remove(thread);
        woken.put(thread, Boolean.TRUE);
      }
      touch();
    } finally {
      mutex.unlock();
    }
    condition.signalAll();
  }

  @Override
  protected Scheduled schedule(long deadline, Runnable action) {
    Objects.requireNonNull(action, "action");
    mutex.lock();
    try {
      Timer timer = addTimer(deadline, action);
      touch();
      return () -> cancel(timer);
    } finally {
      mutex.unlock();
    }
  }

  @Override
  protected void threadStarting(Thread thread) {
    attach(thread);
  }

  // ---- for the testkit's own waits, on whatever source their connection uses ----

  /**
   * Waits as {@link TimeSource}'s protected {@code await} does, on {@code time}: the testkit's
   * classes are not subclasses, and call it through here.
   */
  static void await(TimeSource time, Lock lock, Condition condition, boolean hasDeadline, long deadline)
      throws InterruptedException {
    if (time instanceof VirtualClock clock) {
      clock.await(lock, condition, hasDeadline, deadline);
    } else if (hasDeadline) {
      condition.awaitNanos(deadline - time.nanoTime());
    } else {
      condition.await();
    }
  }

  /** Wakes the waiters of {@code condition}, through {@code time} if it is a virtual clock. */
  static void signalAll(TimeSource time, Condition condition) {
    if (time instanceof VirtualClock clock) {
      clock.signalAll(condition);
    } else {
      condition.signalAll();
    }
  }

  /** Tells {@code time}, if it is a virtual clock, of a thread the testkit starts for it. */
  static void starting(TimeSource time, Thread thread) {
    if (time instanceof VirtualClock clock) {
      clock.attach(thread);
    }
  }

  // ---- machinery ----

  private Timer addTimer(long deadline, Runnable action) {
    Timer timer = new Timer(deadline, sequence++, action);
    timers.add(timer);
    return timer;
  }

  private void cancel(Timer timer) {
    mutex.lock();
    try {
      if (!timer.done) {
        timer.done = true;
        timers.remove(timer);
        touch();
      }
    } finally {
      mutex.unlock();
    }
  }

  private void wake(Lock lock, Condition condition) {
    lock.lock();
    try {
      signalAll(condition);
    } finally {
      lock.unlock();
    }
  }

  /** Records a change; the jumper looks again. Under the mutex. */
  private void touch() {
    activity++;
    changed.signalAll();
  }

  /**
   * Fires the earliest timer due at or before {@code limit}, moving time to its deadline; whether
   * there was one.
   */
  private boolean fireNext(long limit) {
    firing.lock();
    try {
      Timer timer;
      mutex.lock();
      try {
        timer = timers.peek();
        if (timer == null || timer.deadline - limit > 0) {
          return false;
        }
        timers.poll();
        timer.done = true;
        if (timer.deadline - now > 0) {
          now = timer.deadline;
        }
        touch();
      } finally {
        mutex.unlock();
      }
      timer.action.run();
      return true;
    } finally {
      firing.unlock();
    }
  }

  /** How still the threads taking part are, seen from {@code self} (which does not count). */
  private enum Stillness {
    /** Some thread runs, or was woken and has not run yet. */
    BUSY,
    /** Every thread is blocked, some outside the toolkit: still only if it stays so. */
    BLOCKED_ELSEWHERE,
    /** Every thread is blocked inside the toolkit on this clock. */
    BLOCKED
  }

  /** Under the mutex. */
  private Stillness stillness(Thread self) {
    boolean elsewhere = false;
    List<Thread> ended = null;
    for (Thread thread : attached.keySet()) {
      if (thread == self) {
        continue;
      }
      if (blocked.containsKey(thread)) {
        // Registered as blocked, but blocked only once parked in the condition's await: until
        // then it still holds the lock others may be waiting for (seen under load as a jump
        // while a write was on its way).
        Thread.State state = thread.getState();
        if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
          continue;
        }
        return Stillness.BUSY;
      }
      if (woken.containsKey(thread)) {
        return Stillness.BUSY;
      }
      switch (thread.getState()) {
        case TERMINATED -> {
          if (ended == null) {
            ended = new ArrayList<>();
          }
          ended.add(thread);
        }
        case WAITING, TIMED_WAITING, BLOCKED -> elsewhere = true;
        default -> {
          return Stillness.BUSY;
        }
      }
    }
    if (ended != null) {
      ended.forEach(attached::remove);
    }
    return elsewhere ? Stillness.BLOCKED_ELSEWHERE : Stillness.BLOCKED;
  }

  /**
   * Waits until the threads taking part (other than the caller) are blocked: inside the toolkit
   * at once, elsewhere once still for the settle time. Gives up after a few seconds of busy
   * threads, so a spinning thread cannot hang a test that advances by hand. Returns whether they
   * settled.
   */
  private boolean awaitSettled() {
    Thread self = Thread.currentThread();
    long giveUp = System.nanoTime() + ADVANCE_PATIENCE_NANOS;
    long stillSince = 0;
    long seen = -1;
    mutex.lock();
    try {
      while (!closed || jumper == null) {
        Stillness stillness = stillness(self);
        if (stillness == Stillness.BLOCKED) {
          return true;
        }
        long real = System.nanoTime();
        if (stillness == Stillness.BLOCKED_ELSEWHERE) {
          if (seen != activity) {
            seen = activity;
            stillSince = real;
          } else if (real - stillSince >= settleNanos) {
            return true;
          }
        } else {
          seen = -1;
        }
        if (real - giveUp >= 0) {
          return false;
        }
        changed.awaitNanos(POLL_NANOS);
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      mutex.unlock();
    }
  }

  /** The auto-advancing thread: fires what is due, and jumps when everyone is blocked. */
  private void jumpLoop() {
    long stillSince = 0;
    long seen = -1;
    while (true) {
      long limit;
      mutex.lock();
      try {
        if (closed) {
          return;
        }
        Timer next = timers.peek();
        Stillness stillness = stillness(jumper);
        long real = System.nanoTime();
        boolean jump = false;
        if (next != null && next.deadline - now <= 0) {
          jump = true; // due already: fire without moving time
        } else if (next != null && stillness == Stillness.BLOCKED) {
          jump = true;
        } else if (next != null && stillness == Stillness.BLOCKED_ELSEWHERE) {
          if (seen != activity) {
            seen = activity;
            stillSince = real;
          } else if (real - stillSince >= settleNanos) {
            jump = true;
          }
        } else {
          seen = -1;
        }
        if (!jump) {
          // Blocked threads and new timers signal; running threads and threads blocked
          // elsewhere are polled.
          if (next == null || stillness == Stillness.BLOCKED) {
            changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50));
          } else {
            changed.awaitNanos(POLL_NANOS);
          }
          continue;
        }
        seen = -1;
        limit = next.deadline;
      } catch (InterruptedException e) {
        return;
      } finally {
        mutex.unlock();
      }
      fireNext(limit);
    }
  }

  /** An action due at a virtual time; equal deadlines fire in the order they were set. */
  private static final class Timer {
    static final Comparator<Timer> ORDER =
        (a, b) -> {
          int byDeadline = Long.compare(a.deadline - b.deadline, 0);
          return byDeadline != 0 ? byDeadline : Long.compare(a.sequence, b.sequence);
        };

    final long deadline;
    final long sequence;
    final Runnable action;
    boolean done; // under the clock's mutex

    Timer(long deadline, long sequence, Runnable action) {
      this.deadline = deadline;
      this.sequence = sequence;
      this.action = action;
    }
  }
}
