package dev.sockettoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockettoolkit.core.ConnectionMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StatsLineTest {
  private static ConnectionMetrics.Snapshot snapshot(
      long active, long opened, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
      Map<String, Long> handshakes) {
    return new ConnectionMetrics.Snapshot(
        active, opened, Map.of(), Map.of(), bytesIn, bytesOut, messagesIn, messagesOut,
        handshakes, Map.of(), Duration.ZERO, new TreeMap<>(), Map.of());
  }

  @Test
  void ratesAndFailuresAreSinceThePreviousLine() {
    ConnectionMetrics.Snapshot before =
        snapshot(1, 4, 100, 1_000_000, 100, 1_000_000, Map.of("ok", 3L, "unknown_ca", 1L));
    ConnectionMetrics.Snapshot now =
        snapshot(2, 6, 300, 3_000_000, 200, 2_000_000,
            Map.of("ok", 4L, "unknown_ca", 3L, "not_tls", 1L));
    assertEquals(
        "stats active=2 opened=2 in=100.0msg/s,1.000MB/s out=50.0msg/s,0.500MB/s"
            + " handshake_failures=not_tls:1,unknown_ca:2",
        StatsLine.format(before, now, 2.0));
    assertEquals(
        "stats active=2 opened=0 in=0.0msg/s,0.000MB/s out=0.0msg/s,0.000MB/s handshake_failures=none",
        StatsLine.format(now, now, 1.0));
  }
}
