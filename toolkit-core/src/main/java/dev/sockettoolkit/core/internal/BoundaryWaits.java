package dev.sockettoolkit.core.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which threads are blocked waiting for the start of the next message, so that a stopping
 * server can close their connections at once instead of waiting out the drain timeout for peers
 * that are merely idle. A message channel marks its blocking read when no partial frame is
 * buffered; the server claims a marked thread's wait and closes the connection; the channel then
 * reports a clean end of stream. Claim and leave are one compare-and-set each, so a message that
 * starts arriving as the server stops is either received whole or never looked at.
 */
public final class BoundaryWaits {
  private static final int WAITING = 0;
  private static final int LEFT = 1;
  private static final int CLAIMED = 2;

  private static final Map<Thread, Wait> WAITS = new ConcurrentHashMap<>();

  private BoundaryWaits() {}

  /** One blocking read at a message boundary. */
  public static final class Wait {
    private final AtomicInteger state = new AtomicInteger(WAITING);
  }

  /** Marks the current thread as waiting for the start of a message; pass the result to {@link #leave}. */
  public static Wait enter() {
    Wait wait = new Wait();
    WAITS.put(Thread.currentThread(), wait);
    return wait;
  }

  /**
   * Ends the wait; returns false if a stopping server claimed it meanwhile: the connection is
   * being closed and whatever the read returned must be treated as the end of the stream.
   */
  public static boolean leave(Wait wait) {
    WAITS.remove(Thread.currentThread(), wait);
    return wait.state.compareAndSet(WAITING, LEFT);
  }

  /** Claims {@code thread}'s wait, if it is in one: the caller then closes its connection. */
  public static boolean claim(Thread thread) {
    Wait wait = WAITS.get(thread);
    return wait != null && wait.state.compareAndSet(WAITING, CLAIMED);
  }
}
