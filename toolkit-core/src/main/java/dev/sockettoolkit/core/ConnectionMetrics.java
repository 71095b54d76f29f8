package dev.sockettoolkit.core;

import dev.sockettoolkit.core.internal.MetricsRecorder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;

/**
 * Always-on counters for a group of connections: a {@link Server}'s (see {@link Server#metrics()})
 * or the clients that share one through {@link ConnectionOptions.Builder#metrics}. Counting costs
 * a few uncontended adds per read, write and message, and never allocates; read the counts with
 * {@link #snapshot()}.
 *
 * <pre>{@code
 * ConnectionMetrics clients = ConnectionMetrics.create();
 * ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(clients).build();
 * try (Connection connection = Client.connect("localhost:7000", options)) {
 *   connection.write(ByteBuffer.wrap(request));
 * }
 * ConnectionMetrics.Snapshot now = clients.snapshot();
 * System.out.println(now.openedConnections() + " connections, " + now.bytesWritten() + " bytes out");
 * }</pre>
 *
 * <p>Bytes are counted where they cross the transport, so over TLS they are the encrypted bytes
 * on the wire. Messages are counted by each {@code MessageChannel}, handshakes by the TLS layer,
 * frame errors by the channel that met them. The module {@code toolkit-micrometer} publishes the
 * counts as Micrometer meters.
 */
public final class ConnectionMetrics {
  private final MetricsRecorder recorder = new MetricsRecorder();

  private ConnectionMetrics() {}

  /** New counters, all zero. */
  public static ConnectionMetrics create() {
    return new ConnectionMetrics();
  }

  MetricsRecorder recorder() {
    return recorder;
  }

  /** The counts now. Each count is exact; counts taken while traffic flows may be a moment apart. */
  public Snapshot snapshot() {
    return new Snapshot(
        recorder.active(),
        recorder.openedCount(),
        recorder.endedByOutcome(),
        recorder.rejectedByRule(),
        recorder.bytesRead(),
        recorder.bytesWritten(),
        recorder.messagesRead(),
        recorder.messagesWritten(),
        recorder.handshakesByOutcome(),
        recorder.handshakesByProtocol(),
        recorder.handshakeTime(),
        recorder.handshakeBuckets(),
        recorder.frameErrorsByKind());
  }

  @Override
  public String toString() {
    return "ConnectionMetrics" + snapshot();
  }

  /**
   * The counts of a {@link ConnectionMetrics} at one moment; every count since it was created.
   *
   * <pre>{@code
   * ConnectionMetrics.Snapshot s = server.metrics().snapshot();
   * long failures = s.handshakes().entrySet().stream()
   *     .filter(e -> !e.getKey().equals("ok")).mapToLong(Map.Entry::getValue).sum();
   * }</pre>
   *
   * @param activeConnections connections open now
   * @param openedConnections connections opened (a client's connected, a server's accepted and
   *     admitted)
   * @param closedConnections connections ended, by outcome: {@code closed}, {@code reset}, {@code
   *     idle_timeout}, {@code write_timeout}, {@code handshake_timeout}, {@code aborted}, {@code
   *     failed} (an I/O error, or a server's handler that threw); every outcome is present
   * @param rejectedConnections connections a server refused, by rule, such as {@code
   *     max_connections}
   * @param bytesRead bytes read from the transports
   * @param bytesWritten bytes written to the transports
   * @param messagesRead messages received by message channels
   * @param messagesWritten messages sent by message channels
   * @param handshakes TLS handshakes by outcome: {@code ok}, a {@code TlsHandshakeException}
   *     reason in lower case ({@code unknown_ca}), {@code timeout} or {@code failed}
   * @param handshakeProtocols successful TLS handshakes by protocol ({@code TLSv1.3})
   * @param handshakeTime the time all handshakes took together
   * @param handshakeDurations a histogram of handshake durations: for each bound, how many
   *     handshakes took less (cumulative); the last bound, {@code Duration.ofSeconds(Long.MAX_VALUE)},
   *     counts them all
   * @param frameErrors codec errors by kind: {@code too_long}, {@code too_long_discarded},
   *     {@code malformed}, {@code truncated}
   */
  public record Snapshot(
      long activeConnections,
      long openedConnections,
      Map<String, Long> closedConnections,
      Map<String, Long> rejectedConnections,
      long bytesRead,
      long bytesWritten,
      long messagesRead,
      long messagesWritten,
      Map<String, Long> handshakes,
      Map<String, Long> handshakeProtocols,
      Duration handshakeTime,
      SortedMap<Duration, Long> handshakeDurations,
      Map<String, Long> frameErrors) {

    /** Checks the components and keeps unmodifiable copies of the maps. */
    public Snapshot {
      closedConnections = Map.copyOf(closedConnections);
      rejectedConnections = Map.copyOf(rejectedConnections);
      handshakes = Map.copyOf(handshakes);
      handshakeProtocols = Map.copyOf(handshakeProtocols);
      Objects.requireNonNull(handshakeTime, "handshakeTime");
      handshakeDurations = Collections.unmodifiableSortedMap(new TreeMap<>(handshakeDurations));
      frameErrors = Map.copyOf(frameErrors);
    }

    /** Connections ended for any reason. */
    public long closedTotal() {
      return closedConnections.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Connections a server refused, whatever the rule. */
    public long rejectedTotal() {
      return rejectedConnections.values().stream().mapToLong(Long::longValue).sum();
    }

    /** TLS handshakes, whatever the outcome. */
    public long handshakesTotal() {
      return handshakes.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
