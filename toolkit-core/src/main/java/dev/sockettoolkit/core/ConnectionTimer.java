package dev.sockettoolkit.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces write and idle timeouts for every connection from one shared daemon thread.
 *
 * <p>Each connection has at most one pending check. A check never runs per read or write: I/O
 * only stamps times into volatile fields, and the check compares them with the clock when it runs,
 * then reschedules itself for the next deadline. A write timeout is measured from the write's last
 * progress and fires within a quarter of its value after the deadline.
 */
final class ConnectionTimer {
  private static final ScheduledThreadPoolExecutor EXECUTOR = newExecutor();

  private ConnectionTimer() {}

  private static ScheduledThreadPoolExecutor newExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "toolkit-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** Schedules {@code task} after {@code delayNanos}. */
  static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return EXECUTOR.schedule(task, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
  }
}
