package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionMetrics;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The {@code dev.sockettoolkit.TlsHandshake} JFR event and the handshake metrics. */
class TlsHandshakeEventTest {
  private static final String EVENT = "dev.sockettoolkit.TlsHandshake";

  @Test
  void recordsAgreedParametersAndFailureReasons() throws Exception {
    ConnectionMetrics metrics = ConnectionMetrics.create();
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(metrics).build();
    Path file = Files.createTempFile("handshake", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable(EVENT).withThreshold(Duration.ZERO);
      recording.start();
      TlsConfig server =
          TestPki.server()
              .clientAuth(ClientAuth.REQUIRED)
              .trust(TestPki.CA.trustMaterial())
              .alpn("echo/1")
              .protocols("TLSv1.3")
              .build();
      TlsConfig client =
          TestPki.client()
              .keyMaterial(TestPki.CLIENT.keyMaterial())
              .alpn("echo/1")
              .build();
      try (ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, options)) {
        TlsConnection c = TlsConnection.client(pair.client(), client, "localhost");
        TlsConnection s = TlsConnection.server(pair.server(), server);
        assertEquals(null, TlsPeers.handshakeBoth(c, s));
      }
      TlsConfig stranger = TlsConfig.client().trust(TestPki.OTHER_CA.trustMaterial()).build();
      try (ConnectionPair pair = ConnectionPair.inMemory(64 * 1024, options)) {
        TlsConnection c = TlsConnection.client(pair.client(), stranger, "localhost");
        TlsConnection s = TlsConnection.server(pair.server(), TestPki.server().build());
        TlsHandshakeException e =
            assertInstanceOf(
                TlsHandshakeException.class,
                org.junit.jupiter.api.Assertions.assertThrows(
                    TlsHandshakeException.class, () -> TlsPeers.handshakeBoth(c, s)));
        assertEquals(TlsHandshakeException.Reason.UNKNOWN_CA, e.reason());
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals(EVENT))
            .toList();
    Files.delete(file);
    assertEquals(4, events.size(), events::toString);

    RecordedEvent client = find(events, "client", "ok");
    assertEquals("TLSv1.3", client.getString("protocol"));
    assertTrue(client.getString("cipherSuite").startsWith("TLS_"), client::toString);
    assertEquals("CN=localhost", client.getString("peerPrincipal"));
    assertEquals("echo/1", client.getString("alpn"));
    assertTrue(client.getString("remoteAddress").contains("server"), client::toString);
    assertTrue(client.getDuration().compareTo(Duration.ZERO) > 0);

    RecordedEvent server = find(events, "server", "ok");
    assertEquals("TLSv1.3", server.getString("protocol"));
    assertEquals(client.getString("cipherSuite"), server.getString("cipherSuite"));
    assertEquals("CN=test-client", server.getString("peerPrincipal"));
    assertEquals("echo/1", server.getString("alpn"));

    RecordedEvent failed = find(events, "client", "unknown_ca");
    assertEquals("", failed.getString("protocol"));
    assertEquals("", failed.getString("cipherSuite"));
    assertEquals("", failed.getString("peerPrincipal"));
    assertEquals("", failed.getString("alpn"));

    ConnectionMetrics.Snapshot s = metrics.snapshot();
    assertEquals(2, s.handshakes().get("ok"));
    assertEquals(1, s.handshakes().get("unknown_ca"));
    assertEquals(4, s.handshakesTotal(), s.handshakes()::toString);
    assertEquals(Map.of("TLSv1.3", 2L), s.handshakeProtocols());
    assertEquals(4, s.handshakeDurations().get(Duration.ofSeconds(Long.MAX_VALUE)));
    assertTrue(s.handshakeTime().compareTo(Duration.ZERO) > 0);
  }

  private static RecordedEvent find(List<RecordedEvent> events, String side, String outcome) {
    return events.stream()
        .filter(e -> e.getString("side").equals(side) && e.getString("outcome").equals(outcome))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + side + " " + outcome + " in " + events));
  }
}
