package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** The JFR events of core: {@code dev.sockettoolkit.Connection} and {@code ConnectionRejected}. */
class ConnectionEventTest {
  private static final String CONNECTION = "dev.sockettoolkit.Connection";
  private static final String REJECTED = "dev.sockettoolkit.ConnectionRejected";

  @Test
  void tcpEchoRecordsBothEndsWithEveryField() throws Exception {
    SocketAddress[] client = new SocketAddress[2];
    SocketAddress[] server = new SocketAddress[1];
    List<RecordedEvent> events =
        Recorded.events(
            () -> {
              try (Server s = Server.builder().handler(TestSupport.ECHO).start()) {
                server[0] = s.localAddress();
                try (Connection c = Client.connect("127.0.0.1:" + s.port())) {
                  client[0] = c.localAddress();
                  client[1] = c.remoteAddress();
                  c.write(ascii("hello"));
                  readExactly(c, 5);
                  c.shutdownOutput();
                  assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                }
              }
            },
            CONNECTION);
    assertEquals(2, events.size(), events::toString);
    RecordedEvent clientEvent = Recorded.where(events, "side", "client").get(0);
    assertEquals("tcp", clientEvent.getString("transport"));
    assertEquals(client[0].toString(), clientEvent.getString("localAddress"));
    assertEquals(client[1].toString(), clientEvent.getString("remoteAddress"));
    assertEquals(5, clientEvent.getLong("bytesRead"));
    assertEquals(5, clientEvent.getLong("bytesWritten"));
    assertEquals("closed", clientEvent.getString("outcome"));
    assertEquals(0, clientEvent.getLong("messagesRead"));
    assertEquals(0, clientEvent.getLong("messagesWritten"));
    assertFalse(clientEvent.getDuration().isNegative());
    assertTrue(clientEvent.getDuration().compareTo(Duration.ZERO) > 0);

    RecordedEvent serverEvent = Recorded.where(events, "side", "server").get(0);
    assertEquals("tcp", serverEvent.getString("transport"));
    assertEquals(server[0].toString(), serverEvent.getString("localAddress"));
    assertEquals(client[0].toString(), serverEvent.getString("remoteAddress"));
    assertEquals(5, serverEvent.getLong("bytesRead"));
    assertEquals(5, serverEvent.getLong("bytesWritten"));
    assertEquals("closed", serverEvent.getString("outcome"));
    assertEquals(0, serverEvent.getLong("messagesRead"));
    assertEquals(0, serverEvent.getLong("messagesWritten"));
  }

  @Test
  void eventTypeIsCheapByDefault() {
    EventType type = EventType.getEventType(ConnectionEvent.class);
    assertEquals(CONNECTION, type.getName());
    assertEquals(List.of("Socket Toolkit"), type.getCategoryNames());
    assertTrue(
        type.getSettingDescriptors().stream()
            .anyMatch(d -> d.getName().equals("stackTrace") && d.getDefaultValue().equals("false")));
  }

  @Test
  void outcomesNameHowTheConnectionEnded() throws Exception {
    ConnectionOptions idle = ConnectionOptions.defaults().toBuilder().idleTimeout(Duration.ofMillis(50)).build();
    List<RecordedEvent> events =
        Recorded.events(
            () -> {
              ConnectionPair aborted = ConnectionPair.inMemory();
              aborted.client().abort();
              assertThrows(IOException.class, () -> aborted.server().read(ByteBuffer.allocate(1)));
              aborted.server().close();
              ConnectionPair timedOut = ConnectionPair.inMemory(1024, idle);
              assertThrows(IOException.class, () -> timedOut.client().read(ByteBuffer.allocate(1)));
              timedOut.close();
            },
            CONNECTION);
    assertEquals(4, events.size(), events::toString);
    List<String> outcomes =
        events.stream()
            .sorted((a, b) -> a.getStartTime().compareTo(b.getStartTime()))
            .map(e -> e.getString("outcome"))
            .toList();
    assertEquals(List.of("aborted", "reset"), outcomes.subList(0, 2));
    // Both ends of the idle pair have the timeout; the one that fires first resets the other,
    // unless the test closes that one first.
    assertTrue(outcomes.subList(2, 4).contains("idle_timeout"), outcomes::toString);
    assertTrue(
        List.of("idle_timeout", "reset", "closed").containsAll(outcomes.subList(2, 4)),
        outcomes::toString);
    for (RecordedEvent e : events) {
      assertEquals("in-memory", e.getString("transport"));
    }
  }

  @Test
  void rejectedConnectionNamesTheRule() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SocketAddress[] addresses = new SocketAddress[1];
    List<RecordedEvent> events =
        Recorded.events(
            () -> {
              try (Server s =
                  Server.builder()
                      .maxConnections(1)
                      .handler(c -> release.await())
                      .start()) {
                addresses[0] = s.localAddress();
                try (Connection first = Client.connect("127.0.0.1:" + s.port())) {
                  first.write(ascii("x"));
                  while (s.activeConnections() < 1) {
                    Thread.sleep(5);
                  }
                  // The reset may arrive before the connect returns, or at the first read.
                  assertThrows(IOException.class, () -> {
                    try (Connection second = Client.connect("127.0.0.1:" + s.port())) {
                      second.read(ByteBuffer.allocate(1));
                    }
                  });
                  assertEquals(1, s.metrics().snapshot().rejectedConnections().get("max_connections"));
                } finally {
                  release.countDown();
                }
              }
            },
            REJECTED);
    assertEquals(1, events.size(), events::toString);
    RecordedEvent e = events.get(0);
    assertEquals("max_connections", e.getString("rule"));
    assertEquals("the server is at its limit of 1 connections", e.getString("detail"));
    assertEquals(addresses[0].toString(), e.getString("localAddress"));
    assertTrue(e.getString("remoteAddress").startsWith("/127.0.0.1:"), e::toString);
  }
}
