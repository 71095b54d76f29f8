package dev.sockettoolkit.bench;

import java.io.EOFException;
import org.HdrHistogram.Histogram;

/**
 * The request/response loop of the latency rows for the blocking stacks, and the histogram every
 * stack records its round trips in.
 *
 * <p>Round trips are recorded in nanoseconds into an HdrHistogram with {@value #DIGITS}
 * significant digits: a percentile read from it is within 0.1% of the exact sample, from about
 * 170 KiB however many round trips were recorded.
 */
final class RoundTrips {
  /** Significant decimal digits the histogram keeps: values within 0.1%. */
  static final int DIGITS = 3;
  /** Round trips up to this long are recorded without growing the histogram: one second. */
  static final long PRESIZED_NANOS = 1_000_000_000L;

  private RoundTrips() {}

  static Histogram run(BlockingLoad.Connection connection, long warmupNanos, long measureNanos, int maxSamples)
      throws Exception {
    Histogram recorded = histogram();
    long begin = System.nanoTime();
    while (true) {
      long sentAt = System.nanoTime();
      connection.send(1);
      if (connection.receive() < 0) {
        throw new EOFException("the server closed the connection during the latency run");
      }
      long now = System.nanoTime();
      long elapsed = now - begin;
      if (elapsed >= warmupNanos) {
        recorded.recordValue(now - sentAt);
      }
      if (elapsed >= warmupNanos + measureNanos || recorded.getTotalCount() == maxSamples) {
        return recorded;
      }
    }
  }

  /**
   * An empty histogram of round-trip times in nanoseconds, sized for up to {@link #PRESIZED_NANOS}
   * so that recording allocates nothing in a measurement; it grows to hold any longer stall.
   */
  static Histogram histogram() {
    Histogram histogram = new Histogram(PRESIZED_NANOS, DIGITS);
    histogram.setAutoResize(true);
    return histogram;
  }

  /**
   * The round-trip time at {@code quantile} (0.99 for p99) in microseconds: the smallest recorded
   * value that at least that fraction of the round trips do not exceed, as HdrHistogram resolves
   * it (within 0.1%); NaN when nothing was recorded.
   */
  static double micros(Histogram nanos, double quantile) {
    if (nanos.getTotalCount() == 0) {
      return Double.NaN;
    }
    return nanos.getValueAtPercentile(quantile * 100) / 1000.0;
  }
}
