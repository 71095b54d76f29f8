package dev.sockettoolkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.ConnectionMetrics;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TlsHandshakeException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ToolkitMetersTest {
  private static final FrameCodec<String> CODEC = FrameCodecs.utf8(FrameCodecs.lengthPrefix().build());

  /** Every meter's value, keyed by its name and its tags other than the binding's. */
  private static Map<String, Double> values(SimpleMeterRegistry registry) {
    Map<String, Double> values = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      String tags =
          meter.getId().getTags().stream()
              .filter(t -> !List.of("server", "transport", "client").contains(t.getKey()))
              .map(t -> t.getKey() + "=" + t.getValue())
              .collect(Collectors.joining(",", "{", "}"));
      String key = meter.getId().getName() + tags;
      double value;
      if (meter instanceof FunctionCounter c) {
        value = c.count();
      } else if (meter instanceof Gauge g) {
        value = g.value();
      } else if (meter instanceof FunctionTimer t) {
        value = t.count();
      } else {
        throw new AssertionError("unexpected meter " + meter.getId());
      }
      values.put(key, value);
    }
    return values;
  }

  /** Checks that the meters in {@code expected} have those values and every other meter is 0. */
  private static void assertMeters(Map<String, Double> expected, SimpleMeterRegistry registry) {
    Map<String, Double> actual = values(registry);
    Map<String, Double> nonZero = new TreeMap<>();
    actual.forEach((k, v) -> {
      if (v != 0.0) {
        nonZero.put(k, v);
      }
    });
    assertEquals(new TreeMap<>(expected), nonZero);
    for (String key : expected.keySet()) {
      assertEquals(true, actual.containsKey(key), key);
    }
  }

  @Test
  void plainFramedEchoMetersHaveExactValues() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ConnectionMetrics clients = ConnectionMetrics.create();
    ToolkitMeters.of(clients, Tags.of("client", "test")).bindTo(new SimpleMeterRegistry());
    try (Server server =
        Server.builder()
            .handler(c -> {
              MessageChannel<String> channel = MessageChannel.open(c, CODEC);
              while (channel.receiveBatch(channel::sendAll)) {}
            })
            .start()) {
      ToolkitMeters.forServer(server, "echo").bindTo(registry);
      assertEquals("tcp", registry.get("socket.toolkit.connections.active").gauge().getId().getTag("transport"));
      assertEquals("echo", registry.get("socket.toolkit.connections.active").gauge().getId().getTag("server"));
      ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(clients).build();
      try (MessageChannel<String> channel =
          MessageChannel.open(Client.connect("127.0.0.1:" + server.port(), options), CODEC)) {
        channel.sendAll(List.of("a", "bb", "ccc"));
        for (String expected : List.of("a", "bb", "ccc")) {
          assertEquals(expected, channel.receive());
        }
        assertEquals(1.0, registry.get("socket.toolkit.connections.active").gauge().value());
        channel.connection().shutdownOutput();
        assertEquals(null, channel.receive());
      }
      server.stopAsync().awaitTerminated();
      long bytes = 4 + 1 + 4 + 2 + 4 + 3;
      assertMeters(
          Map.of(
              "socket.toolkit.connections.opened{}", 1.0,
              "socket.toolkit.connections.closed{outcome=closed}", 1.0,
              "socket.toolkit.received{}", (double) bytes,
              "socket.toolkit.sent{}", (double) bytes,
              "socket.toolkit.messages.received{}", 3.0,
              "socket.toolkit.messages.sent{}", 3.0),
          registry);
      // Meters that stay zero are there too, ready before the first event.
      assertEquals(0.0, registry.get("socket.toolkit.connections.rejected").tag("rule", "max_connections").functionCounter().count());
      assertEquals(0.0, registry.get("socket.toolkit.frame.errors").tag("kind", "malformed").functionCounter().count());
      assertEquals(0.0, registry.get("socket.toolkit.tls.handshakes").tags("outcome", "unknown_ca", "tls.protocol", "none").functionCounter().count());
      assertEquals(0.0, registry.get("socket.toolkit.connections.active").gauge().value());
    }
    SimpleMeterRegistry clientRegistry = new SimpleMeterRegistry();
    ToolkitMeters.of(clients, Tags.of("client", "test")).bindTo(clientRegistry);
    long bytes = 4 + 1 + 4 + 2 + 4 + 3;
    assertMeters(
        Map.of(
            "socket.toolkit.connections.opened{}", 1.0,
            "socket.toolkit.connections.closed{outcome=closed}", 1.0,
            "socket.toolkit.received{}", (double) bytes,
            "socket.toolkit.sent{}", (double) bytes,
            "socket.toolkit.messages.received{}", 3.0,
            "socket.toolkit.messages.sent{}", 3.0),
        clientRegistry);
  }

  @Test
  void tlsHandshakesAndRejectionsAreCountedByOutcome() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("Meters CA");
    IssuedCertificate cert = ca.issue().dns("localhost").ip("127.0.0.1").server().issue();
    TlsConfig serverTls = TlsConfig.server(cert.keyMaterial()).protocols("TLSv1.3").build();
    TlsConfig goodClient = TlsConfig.client().trust(ca.trustMaterial()).build();
    TlsConfig strangerClient =
        TlsConfig.client().trust(CertificateAuthority.create("Other").trustMaterial()).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Server server =
        Server.builder()
            .maxConnections(1)
            .handler(TlsConnection.serverHandler(serverTls, tls -> {
              MessageChannel<String> channel = MessageChannel.open(tls, CODEC);
              while (channel.receiveBatch(channel::sendAll)) {}
            }))
            .start()) {
      ToolkitMeters.forServer(server, "tls").bindTo(registry);
      try (MessageChannel<String> channel =
          MessageChannel.open(
              TlsConnection.client(
                  Client.connect("127.0.0.1:" + server.port()), goodClient, "localhost"),
              CODEC)) {
        channel.send("hello");
        assertEquals("hello", channel.receive());
        // At the limit of one connection: the next is refused.
        // The reset may arrive before the connect returns, or at the first read.
        assertThrows(IOException.class, () -> {
          try (var refused = Client.connect("127.0.0.1:" + server.port())) {
            refused.read(java.nio.ByteBuffer.allocate(1));
          }
        });
        channel.connection().shutdownOutput();
        assertEquals(null, channel.receive());
      }
      while (server.activeConnections() > 0) {
        Thread.sleep(5);
      }
      try (TlsConnection stranger =
          TlsConnection.client(
              Client.connect("127.0.0.1:" + server.port()), strangerClient, "localhost")) {
        assertThrows(TlsHandshakeException.class, stranger::handshake);
      }
      server.stopAsync().awaitTerminated();
      ConnectionMetrics.Snapshot s = server.metrics().snapshot();
      assertEquals(1, s.handshakes().get("ok"));
      assertEquals(2, s.handshakesTotal());
      String serverFailure =
          s.handshakes().keySet().stream().filter(k -> !k.equals("ok")).findFirst().orElseThrow();
      Map<String, Double> expected = new TreeMap<>();
      expected.put("socket.toolkit.tls.handshakes{outcome=" + serverFailure + ",tls.protocol=none}", 1.0);
      expected.put("socket.toolkit.tls.handshake.duration{}", 2.0);
      expected.putAll(Map.of(
              "socket.toolkit.connections.opened{}", 2.0,
              "socket.toolkit.connections.closed{outcome=closed}", 1.0,
              "socket.toolkit.connections.closed{outcome=failed}", 1.0,
              "socket.toolkit.connections.rejected{rule=max_connections}", 1.0,
              "socket.toolkit.received{}", (double) s.bytesRead(),
              "socket.toolkit.sent{}", (double) s.bytesWritten(),
              "socket.toolkit.messages.received{}", 1.0,
              "socket.toolkit.messages.sent{}", 1.0,
              "socket.toolkit.tls.handshakes{outcome=ok,tls.protocol=TLSv1.3}", 1.0));
      assertMeters(expected, registry);
      FunctionTimer duration = registry.get("socket.toolkit.tls.handshake.duration").functionTimer();
      assertEquals(s.handshakeTime().toNanos(), duration.totalTime(TimeUnit.NANOSECONDS), 1.0);
    }
  }
}
