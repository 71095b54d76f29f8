package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionMetricsTest {
  private static Map<String, Long> closed(long closed, long reset, long failed) {
    return Map.of(
        "closed", closed,
        "reset", reset,
        "idle_timeout", 0L,
        "write_timeout", 0L,
        "handshake_timeout", 0L,
        "aborted", 0L,
        "failed", failed);
  }

  @Test
  void serverAndSharedClientMetricsCountAKnownExchange() throws Exception {
    ConnectionMetrics clients = ConnectionMetrics.create();
    ConnectionOptions options = ConnectionOptions.defaults().toBuilder().metrics(clients).build();
    try (Server server = Server.builder().handler(TestSupport.ECHO).start()) {
      for (int i = 0; i < 3; i++) {
        try (Connection c = Client.connect("127.0.0.1:" + server.port(), options)) {
          c.write(ascii("hello"));
          readExactly(c, 5);
          c.shutdownOutput();
          assertEquals(-1, c.read(ByteBuffer.allocate(1)));
          assertEquals(1, clients.snapshot().activeConnections());
        }
      }
      server.stopAsync().awaitTerminated();
      ConnectionMetrics.Snapshot s = server.metrics().snapshot();
      assertEquals(0, s.activeConnections());
      assertEquals(3, s.openedConnections());
      assertEquals(closed(3, 0, 0), s.closedConnections());
      assertEquals(3, s.closedTotal());
      assertEquals(Map.of(), s.rejectedConnections());
      assertEquals(15, s.bytesRead());
      assertEquals(15, s.bytesWritten());
      assertEquals(0, s.messagesRead());
      assertEquals(0, s.messagesWritten());
      assertEquals(Map.of(), s.handshakes());
      assertEquals(Duration.ZERO, s.handshakeTime());
      assertEquals(Map.of(), s.frameErrors());
    }
    ConnectionMetrics.Snapshot c = clients.snapshot();
    assertEquals(0, c.activeConnections());
    assertEquals(3, c.openedConnections());
    assertEquals(closed(3, 0, 0), c.closedConnections());
    assertEquals(15, c.bytesRead());
    assertEquals(15, c.bytesWritten());
  }

  @Test
  void handlerFailureAndResetAreCountedByOutcome() throws Exception {
    try (Server server =
        Server.builder()
            .bind(InMemoryAddress.named("metrics-failures"))
            .handler(
                c -> {
                  readExactly(c, 1);
                  throw new IOException("handler gave up");
                })
            .start()) {
      try (Connection c = Client.connect(server.localAddress(), ConnectionOptions.defaults())) {
        c.write(ascii("x"));
        assertEquals(-1, c.read(ByteBuffer.allocate(1)));
      }
      Connection reset = Client.connect(server.localAddress(), ConnectionOptions.defaults());
      while (server.metrics().snapshot().openedConnections() < 2) {
        Thread.sleep(5); // admitted, so its handler runs and meets the reset
      }
      reset.abort();
      server.stopAsync().awaitTerminated();
      ConnectionMetrics.Snapshot s = server.metrics().snapshot();
      assertEquals(2, s.openedConnections());
      assertEquals(closed(0, 1, 1), s.closedConnections());
      assertEquals(1, s.bytesRead());
    }
  }

  @Test
  void optionsWithoutMetricsCountNowhere() throws Exception {
    ConnectionPair pair = ConnectionPair.inMemory();
    pair.client().write(ascii("x"));
    readExactly(pair.server(), 1);
    pair.close();
    assertThrows(IOException.class, () -> pair.client().write(ascii("x")));
    assertEquals(java.util.Optional.empty(), ConnectionOptions.defaults().metrics());
  }
}
