package dev.sockettoolkit.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared timer with many connections. That each timeout fires, and traffic holds it off, is
 * checked for every transport by toolkit-testkit's {@code ConnectionConformance} suite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTimerTest {
  private static final ConnectionOptions LONG_IDLE =
      ConnectionOptions.builder().idleTimeout(Duration.ofMinutes(5)).build();

  @Test
  void aShortIdleTimeoutFiresOnTimeAmongManyLongOnes() throws Exception {
    List<ConnectionPair> quiet = new ArrayList<>();
    try {
      for (int i = 0; i < 2_000; i++) {
        quiet.add(ConnectionPair.inMemory(1024, LONG_IDLE));
      }
      Thread.sleep(100); // the timer now sleeps until the long timeouts are due
      long start = System.nanoTime();
      ConnectionPair shortOne =
          ConnectionPair.inMemory(
              1024, ConnectionOptions.builder().idleTimeout(Duration.ofMillis(200)).build());
      while (shortOne.client().isOpen() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
        Thread.sleep(5);
      }
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertFalse(shortOne.client().isOpen(), "the 200 ms idle timeout never fired");
      assertTrue(elapsedMillis >= 200, "fired early, after " + elapsedMillis + " ms");
      // Due an eighth of the timeout after its deadline at the latest; the rest is scheduling slack.
      assertTrue(elapsedMillis < 1_000, "fired late, after " + elapsedMillis + " ms");
      for (ConnectionPair pair : quiet) {
        assertTrue(pair.client().isOpen() && pair.server().isOpen(), "a 5 min idle timeout fired");
      }
    } finally {
      for (ConnectionPair pair : quiet) {
        pair.close();
      }
    }
  }

  @Test
  void closedConnectionsAreDroppedLongBeforeTheirTimeoutsAreDue() throws Exception {
    List<WeakReference<Connection>> closed = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      ConnectionPair pair = ConnectionPair.inMemory(1024, LONG_IDLE);
      closed.add(new WeakReference<>(pair.client()));
      closed.add(new WeakReference<>(pair.server()));
      pair.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long left;
    while ((left = closed.stream().filter(r -> r.get() != null).count()) > 2_048
        && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    // The timer may keep up to its purge threshold of closed connections until its next walk.
    assertTrue(left <= 2_048, left + " of 6,000 closed connections are still held");
  }
}
