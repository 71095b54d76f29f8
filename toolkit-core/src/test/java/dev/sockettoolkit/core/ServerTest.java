package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static dev.sockettoolkit.core.TestSupport.readToEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.Service;
import com.google.common.util.concurrent.ServiceManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void echoesOverTcp() throws Exception {
    try (Server server = Server.builder().handler(TestSupport.ECHO).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      assertTrue(server.isRunning());
      connection.write(ascii("hello, server"));
      connection.shutdownOutput();
      assertEquals("hello, server", readToEnd(connection));
    }
  }

  @Test
  void transfers256MiBThroughAnEchoServerInBothDirectionsAtOnce() throws Exception {
    long size = 256L * 1024 * 1024;
    try (Server server = Server.builder().handler(TestSupport.ECHO).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      Future<Long> sent =
          executor.submit(
              () -> {
                long crc = TestSupport.writeRandom(connection, size, 42);
                connection.shutdownOutput();
                return crc;
              });
      long[] received = TestSupport.readAndChecksum(connection);
      assertEquals(size, received[0], "bytes echoed back");
      assertEquals(sent.get(), received[1], "CRC32 of the echoed stream");
    }
  }

  @Test
  void reportsItsThreadMode() throws Exception {
    CompletableFutureHolder<Boolean> virtual = new CompletableFutureHolder<>();
    try (Server server =
            Server.builder().handler(c -> virtual.set(isVirtual(Thread.currentThread()))).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      assertTrue(connection.isOpen());
      boolean jdk21 = Runtime.version().feature() >= 21;
      boolean forcedPlatform = "platform".equalsIgnoreCase(System.getProperty(ThreadMode.PROPERTY));
      ThreadMode expected = jdk21 && !forcedPlatform ? ThreadMode.VIRTUAL : ThreadMode.PLATFORM;
      assertEquals(expected, server.threadMode(), "thread mode on Java " + Runtime.version());
      assertEquals(expected == ThreadMode.VIRTUAL, virtual.get(), "the handler's thread");
      assertEquals(jdk21, ThreadMode.isAvailable(ThreadMode.VIRTUAL));
    }
  }

  @Test
  void platformThreadsCanBeForced() throws Exception {
    CompletableFutureHolder<Boolean> virtual = new CompletableFutureHolder<>();
    try (Server server =
            Server.builder()
                .threadMode(ThreadMode.PLATFORM)
                .handler(c -> virtual.set(isVirtual(Thread.currentThread())))
                .start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      assertTrue(connection.isOpen());
      assertEquals(ThreadMode.PLATFORM, server.threadMode());
      assertFalse(virtual.get());
    }
  }

  @Test
  void aHandlerThatThrowsDoesNotStopTheServer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    BlockingQueue<Throwable> failures = new ArrayBlockingQueue<>(10);
    ConnectionHandler flaky =
        connection -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("boom from the first handler");
          }
          TestSupport.ECHO.handle(connection);
        };
    try (Server server =
            Server.builder()
                .handler(flaky)
                .listener(
                    new ConnectionListener() {
                      @Override
                      public void failed(Connection connection, Throwable failure) {
                        failures.add(failure);
                      }
                    })
                .start()) {
      try (Connection first = Client.connect("127.0.0.1:" + server.port())) {
        assertEquals(-1, first.read(ByteBuffer.allocate(1)), "the failed handler's connection is closed");
      }
      assertEquals("boom from the first handler", failures.poll(5, TimeUnit.SECONDS).getMessage());
      try (Connection second = Client.connect("127.0.0.1:" + server.port())) {
        second.write(ascii("still here"));
        second.shutdownOutput();
        assertEquals("still here", readToEnd(second));
      }
      assertTrue(server.isRunning());
    }
  }

  @Test
  void servesAThousandConcurrentConnections() throws Exception {
    int count = 1000;
    try (Server server = Server.builder().handler(TestSupport.ECHO).start()) {
      List<Connection> connections = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          connections.add(Client.connect("127.0.0.1:" + server.port()));
        }
        for (int i = 0; i < count; i++) {
          connections.get(i).write(ascii(String.format("%04d", i)));
        }
        waitFor(() -> server.activeConnections() == count, "all connections served at once");
        for (int i = 0; i < count; i++) {
          String reply = new String(readExactly(connections.get(i), 4), StandardCharsets.US_ASCII);
          assertEquals(String.format("%04d", i), reply);
        }
      } finally {
        for (Connection connection : connections) {
          connection.close();
        }
      }
      waitFor(() -> server.activeConnections() == 0, "all handlers finished");
    }
  }

  @Test
  void gracefulShutdownDeliversEverythingHandlersWrote() throws Exception {
    int clients = 20;
    int size = 2 * 1024 * 1024;
    CountDownLatch writing = new CountDownLatch(clients);
    ConnectionHandler sender =
        connection -> {
          writing.countDown();
          byte[] data = new byte[size];
          for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
          }
          connection.write(ByteBuffer.wrap(data));
        };
    Server server = Server.builder().handler(sender).drainTimeout(Duration.ofSeconds(30)).start();
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      connections.add(Client.connect("127.0.0.1:" + server.port()));
    }
    assertTrue(writing.await(10, TimeUnit.SECONDS));
    // Shut down while every handler is still blocked writing (no client has read yet).
    server.stopAsync();
    waitFor(() -> !server.isRunning(), "shutdown started");
    assertThrows(ConnectException.class, () -> Client.connect("127.0.0.1:" + server.port()).close());
    List<Future<byte[]>> received = new ArrayList<>();
    for (Connection connection : connections) {
      received.add(executor.submit(() -> connection.inputStream().readAllBytes()));
    }
    for (Future<byte[]> bytes : received) {
      byte[] data = bytes.get(60, TimeUnit.SECONDS);
      assertEquals(size, data.length);
      for (int i = 0; i < size; i += 4099) {
        assertEquals((byte) i, data[i]);
      }
    }
    server.awaitTerminated(30, TimeUnit.SECONDS);
    assertEquals(Service.State.TERMINATED, server.state());
  }

  @Test
  void handlersStillRunningAfterTheDrainTimeoutAreAborted() throws Exception {
    BlockingQueue<Throwable> outcome = new ArrayBlockingQueue<>(1);
    ConnectionHandler waitsForever =
        connection -> {
          try {
            connection.read(ByteBuffer.allocate(1));
            outcome.add(new AssertionError("read returned"));
          } catch (IOException e) {
            outcome.add(e);
          }
        };
    Server server =
        Server.builder().handler(waitsForever).drainTimeout(Duration.ofMillis(200)).start();
    try (Connection client = Client.connect("127.0.0.1:" + server.port())) {
      waitFor(() -> server.activeConnections() == 1, "handler running");
      long start = System.nanoTime();
      server.close();
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 10_000);
      assertTrue(outcome.poll(5, TimeUnit.SECONDS) instanceof ConnectionClosedException);
      assertThrows(ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreResetAndReported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<SocketAddress> rejected = ConcurrentHashMap.newKeySet();
    ConnectionHandler holds =
        connection -> {
          release.await();
          TestSupport.ECHO.handle(connection);
        };
    try (Server server =
        Server.builder()
            .handler(holds)
            .maxConnections(2)
            .listener(
                new ConnectionListener() {
                  @Override
                  public void rejected(SocketAddress remote, String reason) {
                    assertTrue(reason.contains("limit of 2 connections"), reason);
                    rejected.add(remote);
                  }
                })
            .start()) {
      Connection a = Client.connect("127.0.0.1:" + server.port());
      Connection b = Client.connect("127.0.0.1:" + server.port());
      waitFor(() -> server.activeConnections() == 2, "two connections admitted");
      // The reset arrives during the client's connect or at its first read, whichever is later.
      IOException refused =
          assertThrows(
              IOException.class,
              () -> {
                try (Connection c = Client.connect("127.0.0.1:" + server.port())) {
                  c.read(ByteBuffer.allocate(1));
                }
              });
      assertTrue(
          refused instanceof ConnectionResetException || refused.getMessage().contains("reset"),
          refused.toString());
      waitFor(() -> rejected.size() == 1, "listener heard of the rejection");
      release.countDown();
      a.close();
      waitFor(() -> server.activeConnections() == 1, "a slot freed");
      try (Connection d = Client.connect("127.0.0.1:" + server.port())) {
        d.write(ascii("in"));
        d.shutdownOutput();
        assertEquals("in", readToEnd(d));
      }
      b.close();
    }
  }

  @Test
  void listenerHearsAcceptedAndClosed() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    ConnectionListener listener =
        new ConnectionListener() {
          @Override
          public void accepted(Connection connection) {
            events.add("accepted");
          }

          @Override
          public void closed(Connection connection) {
            events.add("closed");
          }
        };
    try (Server server = Server.builder().handler(TestSupport.ECHO).listener(listener).start()) {
      try (Connection connection = Client.connect("127.0.0.1:" + server.port())) {
        connection.shutdownOutput();
        assertEquals("", readToEnd(connection));
      }
      waitFor(() -> events.size() == 2, "two events");
      assertEquals(List.of("accepted", "closed"), events);
    }
  }

  @Test
  void servesUnixDomainSocketsAndRemovesTheFileOnShutdown(@TempDir Path directory) throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("echo.sock"));
    Server server = Server.builder().bind(address).handler(TestSupport.ECHO).start();
    try (Connection connection = Client.connect(address, ConnectionOptions.defaults())) {
      connection.write(ascii("over a unix socket"));
      connection.shutdownOutput();
      assertEquals("over a unix socket", readToEnd(connection));
    }
    assertEquals(address, server.localAddress());
    assertThrows(IllegalStateException.class, server::port);
    server.close();
    assertFalse(Files.exists(address.getPath()));
  }

  @Test
  void aPortInUseFailsToStartWithTheAddressInTheMessage() throws Exception {
    try (Server first = Server.builder().handler(TestSupport.ECHO).start()) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> Server.builder().bind("127.0.0.1", first.port()).handler(TestSupport.ECHO).start());
      assertTrue(e.getMessage().contains("cannot bind") && e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
    }
  }

  @Test
  void worksWithGuavaServiceManager() throws Exception {
    Server one = Server.builder().handler(TestSupport.ECHO).build();
    Server two = Server.builder().handler(TestSupport.ECHO).build();
    ServiceManager manager = new ServiceManager(List.of(one, two));
    manager.startAsync().awaitHealthy(Duration.ofSeconds(10));
    assertTrue(one.port() != two.port());
    manager.stopAsync().awaitStopped(Duration.ofSeconds(20));
    assertEquals(Service.State.TERMINATED, one.state());
  }

  @Test
  void builderExplainsMissingHandler() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Server.builder().build());
    assertTrue(e.getMessage().contains("handler(...)"));
    assertThrows(IllegalArgumentException.class, () -> Server.builder().maxConnections(0));
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }

  static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (NoSuchMethodException e) {
      return false;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** A value handed from a handler thread to the test. */
  static final class CompletableFutureHolder<T> {
    private final java.util.concurrent.CompletableFuture<T> future = new java.util.concurrent.CompletableFuture<>();

    void set(T value) {
      future.complete(value);
    }

    T get() throws Exception {
      return future.get(10, TimeUnit.SECONDS);
    }
  }
}
