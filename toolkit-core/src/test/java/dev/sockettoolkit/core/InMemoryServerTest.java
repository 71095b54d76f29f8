package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readToEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Server bound to an InMemoryAddress: no socket, every server option as over TCP. */
@Timeout(30)
class InMemoryServerTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static InMemoryAddress fresh() {
    return InMemoryAddress.named("test-" + NAMES.incrementAndGet());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void echoesWithoutASocketAndNamesBothEnds() throws Exception {
    InMemoryAddress address = fresh();
    try (Server server = Server.builder().bind(address).handler(TestSupport.ECHO).start();
        Connection client = Client.connect(address, ConnectionOptions.defaults())) {
      assertEquals(address, server.localAddress());
      assertThrows(IllegalStateException.class, server::port, "an in-memory server has no port");
      assertEquals(address, client.remoteAddress());
      assertTrue(client.localAddress().toString().startsWith(address + "/client-"), client.localAddress().toString());
      client.write(ascii("hello"));
      client.shutdownOutput();
      assertEquals("hello", readToEnd(client));
    }
  }

  @Test
  void aNameIsBoundOnceAndFreeAgainAfterStop() throws Exception {
    InMemoryAddress address = fresh();
    ConnectException refused =
        assertThrows(ConnectException.class, () -> Client.connect(address, ConnectionOptions.defaults()));
    assertTrue(refused.getMessage().contains("nothing listens on " + address), refused.getMessage());
    try (Server server = Server.builder().bind(address).handler(TestSupport.ECHO).start()) {
      IOException inUse =
          assertThrows(
              IOException.class,
              () -> Server.builder().bind(address).handler(TestSupport.ECHO).start());
      assertTrue(
          inUse.getMessage().contains("another server in this JVM is bound to it"), inUse.getMessage());
      assertTrue(server.isRunning());
    }
    try (Server again = Server.builder().bind(address).handler(TestSupport.ECHO).start()) {
      assertTrue(again.isRunning(), "free again after the first server stopped");
    }
    assertThrows(ConnectException.class, () -> Client.connect(address, ConnectionOptions.defaults()));
    assertThrows(IllegalArgumentException.class, () -> InMemoryAddress.named("no spaces"));
  }

  @Test
  void theConnectionLimitAndTheListenerWorkAsOverTcp() throws Exception {
    InMemoryAddress address = fresh();
    CountDownLatch release = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    ConnectionListener listener =
        new ConnectionListener() {
          @Override
          public void accepted(Connection connection) {
            events.add("accepted " + connection.remoteAddress());
          }

          @Override
          public void closed(Connection connection) {
            events.add("closed");
          }

          @Override
          public void rejected(SocketAddress remote, String reason) {
            events.add("rejected " + remote + ": " + reason);
          }
        };
    try (Server server =
        Server.builder()
            .bind(address)
            .maxConnections(1)
            .listener(listener)
            .handler(connection -> {
              release.await();
              TestSupport.ECHO.handle(connection);
            })
            .start()) {
      Connection a = Client.connect(address, ConnectionOptions.defaults());
      waitFor(() -> server.activeConnections() == 1, "one connection admitted");
      try (Connection b = Client.connect(address, ConnectionOptions.defaults())) {
        assertThrows(ConnectionResetException.class, () -> b.read(ByteBuffer.allocate(1)));
      }
      waitFor(() -> events.stream().anyMatch(e -> e.startsWith("rejected")), "the rejection");
      assertTrue(
          events.stream().anyMatch(e -> e.contains("at its limit of 1 connections")), events.toString());
      release.countDown();
      a.write(ascii("x"));
      a.shutdownOutput();
      assertEquals("x", readToEnd(a));
      a.close();
      waitFor(() -> events.contains("closed"), "the close");
      assertTrue(events.get(0).startsWith("accepted " + address + "/client-"), events.toString());
    }
  }

  @Test
  void theServersIdleTimeoutAbortsASilentClient() throws Exception {
    InMemoryAddress address = fresh();
    ConnectionOptions idle = ConnectionOptions.builder().idleTimeout(Duration.ofMillis(200)).build();
    try (Server server =
            Server.builder().bind(address).options(idle).handler(TestSupport.ECHO).start();
        Connection client = Client.connect(address, ConnectionOptions.defaults())) {
      long start = System.nanoTime();
      assertThrows(ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited >= 150, "the server's idle timeout, not earlier: " + waited + " ms");
      assertTrue(server.isRunning());
    }
  }

  @Test
  void stopDrainsThenAbortsAndRefusesNewClients() throws Exception {
    InMemoryAddress address = fresh();
    Server server =
        Server.builder()
            .bind(address)
            .drainTimeout(Duration.ofMillis(100))
            .handler(connection -> connection.read(ByteBuffer.allocate(1)))
            .start();
    Connection client = Client.connect(address, ConnectionOptions.defaults());
    waitFor(() -> server.activeConnections() == 1, "the handler runs");
    long start = System.nanoTime();
    server.close();
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_000);
    assertFalse(server.isRunning());
    assertThrows(ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
    assertThrows(ConnectException.class, () -> Client.connect(address, ConnectionOptions.defaults()));
  }
}
