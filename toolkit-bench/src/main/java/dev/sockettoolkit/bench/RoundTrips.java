package dev.sockettoolkit.bench;

import java.io.EOFException;
import java.util.Arrays;

/** The request/response loop of the latency rows, for the blocking stacks. */
final class RoundTrips {
  private RoundTrips() {}

  static long[] run(BlockingLoad.Connection connection, long warmupNanos, long measureNanos, int maxSamples)
      throws Exception {
    long[] samples = new long[maxSamples];
    int count = 0;
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
        samples[count++] = now - sentAt;
      }
      if (elapsed >= warmupNanos + measureNanos || count == samples.length) {
        return Arrays.copyOf(samples, count);
      }
    }
  }
}
