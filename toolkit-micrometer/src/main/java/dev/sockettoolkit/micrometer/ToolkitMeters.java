package dev.sockettoolkit.micrometer;

import dev.sockettoolkit.core.ConnectionMetrics;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.core.internal.ConnectionCounters;
import dev.sockettoolkit.tls.TlsHandshakeException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes a {@link ConnectionMetrics} as Micrometer meters. The meters read the toolkit's
 * counters when the registry publishes; nothing is added to the path of a read, a write or a
 * message.
 *
 * <pre>{@code
 * Server server = Server.builder().handler(handler).start();
 * ToolkitMeters.forServer(server, "orders").bindTo(registry);     // tags server=orders, transport=tcp
 *
 * ConnectionMetrics clients = ConnectionMetrics.create();          // shared by the clients
 * ToolkitMeters.of(clients, Tags.of("client", "inventory")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code socket.toolkit.connections.active}</td><td>gauge</td><td></td></tr>
 *   <tr><td>{@code socket.toolkit.connections.opened}</td><td>counter</td><td></td></tr>
 *   <tr><td>{@code socket.toolkit.connections.closed}</td><td>counter</td><td>{@code outcome}:
 *       closed, reset, idle_timeout, write_timeout, handshake_timeout, aborted, failed</td></tr>
 *   <tr><td>{@code socket.toolkit.connections.rejected}</td><td>counter</td><td>{@code rule}:
 *       max_connections, proxy_protocol</td></tr>
 *   <tr><td>{@code socket.toolkit.received}, {@code socket.toolkit.sent}</td><td>counter,
 *       bytes</td><td></td></tr>
 *   <tr><td>{@code socket.toolkit.messages.received}, {@code socket.toolkit.messages.sent}</td>
 *       <td>counter</td><td></td></tr>
 *   <tr><td>{@code socket.toolkit.tls.handshakes}</td><td>counter</td><td>{@code outcome}: ok, a
 *       {@link TlsHandshakeException.Reason} in lower case, timeout, failed; {@code
 *       tls.protocol}: TLSv1.3 or TLSv1.2 for ok, none otherwise</td></tr>
 *   <tr><td>{@code socket.toolkit.tls.handshake.duration}</td><td>function timer</td><td></td></tr>
 *   <tr><td>{@code socket.toolkit.frame.errors}</td><td>counter</td><td>{@code kind}: too_long,
 *       too_long_discarded, malformed, truncated, other</td></tr>
 * </table>
 *
 * <p>Every meter also has the tags given to {@link #of} ({@link #forServer} gives {@code server}
 * and {@code transport}).
 */
public final class ToolkitMeters implements MeterBinder {
  private static final String PREFIX = "socket.toolkit.";
  private static final String NONE = "none";
  private static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
  private static final Set<String> FRAME_ERROR_KINDS =
      Set.of("too_long", "too_long_discarded", "malformed", "truncated", "other");
  private static final Set<String> REJECT_RULES = Set.of("max_connections", "proxy_protocol");

  private final ConnectionMetrics metrics;
  private final Tags tags;

  private ToolkitMeters(ConnectionMetrics metrics, Iterable<Tag> tags) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  /** Meters for {@code metrics}, each with {@code tags}. */
  public static ToolkitMeters of(ConnectionMetrics metrics, Iterable<Tag> tags) {
    return new ToolkitMeters(metrics, tags);
  }

  /**
   * Meters for {@code server}'s {@link Server#metrics()}, tagged {@code server} with {@code name}
   * and {@code transport} with tcp, unix or in-memory. Bind once the server is started (its
   * transport is known then).
   */
  public static ToolkitMeters forServer(Server server, String name) {
    Objects.requireNonNull(name, "name");
    return new ToolkitMeters(
        server.metrics(), Tags.of("server", name, "transport", transport(server.localAddress())));
  }

  private static String transport(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress) {
      return "unix";
    }
    return address instanceof InMemoryAddress ? "in-memory" : "tcp";
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ConnectionMetrics.Snapshot now = metrics.snapshot();
    Gauge.builder(PREFIX + "connections.active", metrics, m -> m.snapshot().activeConnections())
        .description("Connections open now")
        .baseUnit("connections")
        .tags(tags)
        .register(registry);
    counter(registry, "connections.opened", "Connections opened", "connections", Tags.empty(),
        ConnectionMetrics.Snapshot::openedConnections);
    for (ConnectionCounters.Outcome outcome : ConnectionCounters.Outcome.values()) {
      String label = outcome.label();
      counter(registry, "connections.closed", "Connections ended, by outcome", "connections",
          Tags.of("outcome", label), s -> s.closedConnections().getOrDefault(label, 0L));
    }
    for (String rule : union(REJECT_RULES, now.rejectedConnections())) {
      counter(registry, "connections.rejected", "Connections refused, by rule", "connections",
          Tags.of("rule", rule), s -> s.rejectedConnections().getOrDefault(rule, 0L));
    }
    counter(registry, "received", "Bytes read from the transport", BaseUnits.BYTES, Tags.empty(),
        ConnectionMetrics.Snapshot::bytesRead);
    counter(registry, "sent", "Bytes written to the transport", BaseUnits.BYTES, Tags.empty(),
        ConnectionMetrics.Snapshot::bytesWritten);
    counter(registry, "messages.received", "Messages received by message channels", "messages",
        Tags.empty(), ConnectionMetrics.Snapshot::messagesRead);
    counter(registry, "messages.sent", "Messages sent by message channels", "messages",
        Tags.empty(), ConnectionMetrics.Snapshot::messagesWritten);
    for (String protocol : union(TLS_PROTOCOLS, now.handshakeProtocols())) {
      counter(registry, "tls.handshakes", "TLS handshakes, by outcome", "handshakes",
          Tags.of("outcome", "ok", "tls.protocol", protocol),
          s -> s.handshakeProtocols().getOrDefault(protocol, 0L));
    }
    for (String outcome : union(handshakeFailures(), now.handshakes())) {
      if (!outcome.equals("ok")) {
        counter(registry, "tls.handshakes", "TLS handshakes, by outcome", "handshakes",
            Tags.of("outcome", outcome, "tls.protocol", NONE),
            s -> s.handshakes().getOrDefault(outcome, 0L));
      }
    }
    FunctionTimer.builder(
            PREFIX + "tls.handshake.duration",
            metrics,
            m -> m.snapshot().handshakesTotal(),
            m -> m.snapshot().handshakeTime().toNanos(),
            TimeUnit.NANOSECONDS)
        .description("Time TLS handshakes took, whatever their outcome")
        .tags(tags)
        .register(registry);
    for (String kind : union(FRAME_ERROR_KINDS, now.frameErrors())) {
      counter(registry, "frame.errors", "Received frames a codec refused, by kind", "errors",
          Tags.of("kind", kind), s -> s.frameErrors().getOrDefault(kind, 0L));
    }
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      String unit,
      Tags extra,
      ToLongFunction<ConnectionMetrics.Snapshot> count) {
    ToDoubleFunction<ConnectionMetrics> read = m -> count.applyAsLong(m.snapshot());
    FunctionCounter.builder(PREFIX + name, metrics, read)
        .description(description)
        .baseUnit(unit)
        .tags(tags.and(extra))
        .register(registry);
  }

  private static Set<String> handshakeFailures() {
    Set<String> outcomes = new TreeSet<>();
    for (TlsHandshakeException.Reason reason : TlsHandshakeException.Reason.values()) {
      outcomes.add(reason.name().toLowerCase(Locale.ROOT));
    }
    outcomes.add("timeout");
    outcomes.add("failed");
    return outcomes;
  }

  private static Set<String> union(Set<String> known, Map<String, Long> seen) {
    Set<String> all = new TreeSet<>(known);
    all.addAll(seen.keySet());
    return all;
  }

  @Override
  public String toString() {
    return "ToolkitMeters" + tags;
  }
}
