package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.ConnectionMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * {@code toolkit serve --stats}: one line per period on standard output, read from the server's
 * metrics, such as
 *
 * <pre>
 * stats active=2 opened=1 in=1520.0msg/s,0.012MB/s out=1520.0msg/s,0.012MB/s handshake_failures=unknown_ca:1
 * </pre>
 *
 * <p>{@code active}: connections open now; {@code opened}, the rates and the handshake failures
 * (by reason, {@code none} when there were none): since the previous line. {@code in} is what the
 * server received, {@code out} what it sent; bytes are those on the wire (encrypted under TLS).
 */
final class StatsLine implements Runnable {
  private final ConnectionMetrics metrics;
  private final PrintWriter out;
  private ConnectionMetrics.Snapshot previous;
  private long previousNanos;

  StatsLine(ConnectionMetrics metrics, PrintWriter out) {
    this.metrics = metrics;
    this.out = out;
    this.previous = metrics.snapshot();
    this.previousNanos = System.nanoTime();
  }

  /** Prints the line for the period since the last call (or since construction). */
  @Override
  public void run() {
    ConnectionMetrics.Snapshot now = metrics.snapshot();
    long nanos = System.nanoTime();
    String line = format(previous, now, (nanos - previousNanos) / 1e9);
    previous = now;
    previousNanos = nanos;
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /** The line for the period from {@code before} to {@code now}, {@code seconds} long. */
  static String format(ConnectionMetrics.Snapshot before, ConnectionMetrics.Snapshot now, double seconds) {
    double s = Math.max(seconds, 1e-9);
    return String.format(
        Locale.ROOT,
        "stats active=%d opened=%d in=%.1fmsg/s,%.3fMB/s out=%.1fmsg/s,%.3fMB/s handshake_failures=%s",
        now.activeConnections(),
        now.openedConnections() - before.openedConnections(),
        (now.messagesRead() - before.messagesRead()) / s,
        (now.bytesRead() - before.bytesRead()) / s / 1e6,
        (now.messagesWritten() - before.messagesWritten()) / s,
        (now.bytesWritten() - before.bytesWritten()) / s / 1e6,
        failures(before.handshakes(), now.handshakes()));
  }

  private static String failures(Map<String, Long> before, Map<String, Long> now) {
    StringJoiner joined = new StringJoiner(",");
    new TreeMap<>(now).forEach((outcome, count) -> {
      long delta = count - before.getOrDefault(outcome, 0L);
      if (!outcome.equals("ok") && delta > 0) {
        joined.add(outcome + ":" + delta);
      }
    });
    return joined.length() == 0 ? "none" : joined.toString();
  }
}
