package dev.sockettoolkit.core;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces write and idle timeouts for every connection from one shared daemon thread, with no
 * object per connection: the connections with a timeout form a list linked through their own
 * {@link AbstractConnection#timerNext} field, and each remembers in {@link
 * AbstractConnection#timerDue} when the thread next looks at it.
 *
 * <p>I/O never touches the timer: it only stamps times into volatile fields of its connection.
 * When the thread wakes it walks the whole list, checks the connections that are due (see {@link
 * AbstractConnection#checkTimeouts}), drops the closed ones, and sleeps until the earliest next
 * check. Checks are rounded up to a grid of an eighth of the connection's smallest timeout, so
 * connections with the same options are checked together and the thread wakes at most about eight
 * times per timeout period, however many connections there are; a timeout fires at most an eighth
 * of its value after its deadline. A new connection wakes the thread only if it is due before the
 * thread's planned wake-up.
 *
 * <p>A closed connection stays in the list until the next walk. So that a server with many short
 * connections does not keep closed ones around until then, closing counts, and once the closed
 * ones could be as many as half the live ones (and at least {@value #MIN_PURGE}) the thread is
 * woken to drop them.
 */
final class ConnectionTimer {
  private static final System.Logger LOG = System.getLogger(ConnectionTimer.class.getName());
  /** Closed connections tolerated in the list before the thread is woken just to drop them. */
  private static final int MIN_PURGE = 1024;
  /** Checks are never closer together than this. */
  private static final long MIN_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** Upper bound of one sleep; new connections due earlier wake the thread. */
  private static final long MAX_SLEEP_NANOS = TimeUnit.HOURS.toNanos(1);

  /** Origin of the check grid. */
  private static final long EPOCH = System.nanoTime();
  /** Connections registered since the thread last took them, linked through timerNext. */
  private static final AtomicReference<AbstractConnection> INCOMING = new AtomicReference<>();
  private static final AtomicInteger CLOSED_SINCE_WALK = new AtomicInteger();
  private static volatile int purgeThreshold = MIN_PURGE;
  /** When the thread will wake next, unless woken earlier. */
  private static volatile long wakeAt = EPOCH + MAX_SLEEP_NANOS;
  private static final Thread THREAD = start();

  private ConnectionTimer() {}

  private static Thread start() {
    Thread thread = new Thread(ConnectionTimer::run, "toolkit-timeouts");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Starts watching {@code connection}, which has a write or an idle timeout. */
  static void register(AbstractConnection connection) {
    long due = due(connection, System.nanoTime());
    connection.timerDue = due;
    AbstractConnection head;
    do {
      head = INCOMING.get();
      connection.timerNext = head;
    } while (!INCOMING.compareAndSet(head, connection));
    if (due - wakeAt < 0) {
      LockSupport.unpark(THREAD);
    }
  }

  /** Tells the timer that a registered connection was closed. */
  static void closed() {
    if (CLOSED_SINCE_WALK.incrementAndGet() >= purgeThreshold) {
      LockSupport.unpark(THREAD);
    }
  }

  /** When to check {@code connection} next: its earliest possible deadline, rounded up to its grid. */
  private static long due(AbstractConnection connection, long now) {
    long resolution = Math.max(connection.smallestTimeoutNanos() / 8, MIN_RESOLUTION_NANOS);
    long sinceEpoch = connection.earliestDeadline(now) - EPOCH;
    return EPOCH + Math.floorDiv(sinceEpoch + resolution - 1, resolution) * resolution;
  }

  private static void run() {
    AbstractConnection list = null;
    while (true) {
      long now = System.nanoTime();
      CLOSED_SINCE_WALK.set(0);
      list = takeIncoming(list);
      long earliest = now + MAX_SLEEP_NANOS;
      int live = 0;
      AbstractConnection previous = null;
      for (AbstractConnection c = list, next; c != null; c = next) {
        next = c.timerNext;
        if (watch(c, now)) {
          live++;
          if (c.timerDue - earliest < 0) {
            earliest = c.timerDue;
          }
          previous = c;
        } else {
          if (previous == null) {
            list = next;
          } else {
            previous.timerNext = next;
          }
          c.timerNext = null;
        }
      }
      purgeThreshold = Math.max(MIN_PURGE, live / 2);
      wakeAt = earliest;
      // Connections registered during the walk may have compared their due time with the old
      // wakeAt and not woken the thread; take them now. Later ones see the new wakeAt. Not a new
      // walk: under a steady stream of new connections that would never sleep.
      AbstractConnection walked = list;
      list = takeIncoming(list);
      long published = earliest;
      for (AbstractConnection c = list; c != walked; c = c.timerNext) {
        if (c.timerDue - earliest < 0) {
          earliest = c.timerDue;
        }
      }
      if (earliest != published) {
        wakeAt = earliest;
      }
      long delay = earliest - System.nanoTime();
      if (delay > 0) {
        LockSupport.parkNanos(ConnectionTimer.class, delay);
      }
    }
  }

  /** Puts the connections registered since the last call in front of {@code list}; the new head. */
  private static AbstractConnection takeIncoming(AbstractConnection list) {
    AbstractConnection head = list;
    for (AbstractConnection c = INCOMING.getAndSet(null), next; c != null; c = next) {
      next = c.timerNext;
      c.timerNext = head;
      head = c;
    }
    return head;
  }

  /** Checks {@code c} if it is due; whether to keep watching it. */
  private static boolean watch(AbstractConnection c, long now) {
    try {
      if (!c.isOpen()) {
        return false;
      }
      if (c.timerDue - now > 0) {
        return true;
      }
      if (!c.checkTimeouts(now)) {
        return false;
      }
      c.timerDue = due(c, now);
      return true;
    } catch (RuntimeException | Error e) {
      // Never expected; one broken connection must not end timeouts for all the others.
      LOG.log(Level.WARNING, "checking the timeouts of " + c + " failed; no longer checking it", e);
      return false;
    }
  }
}
