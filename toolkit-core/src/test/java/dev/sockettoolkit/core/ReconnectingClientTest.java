package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectingClientTest {
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final ReconnectingClient.Listener recorder = new ReconnectingClient.Listener() {
    @Override
    public void attempt(int attempt) {
      events.add("attempt " + attempt);
    }

    @Override
    public void failed(int attempt, IOException failure, Duration delay) {
      events.add("failed " + attempt);
    }

    @Override
    public void connected(Connection connection, int attempt, Duration elapsed) {
      events.add("connected " + attempt);
    }

    @Override
    public void gaveUp(int attempts, Duration elapsed, IOException last) {
      events.add("gave up " + attempts);
    }
  };

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void failsOverToTheNextAddressWithinOneAttempt() throws Exception {
    try (Server server = Server.builder().handler(TestSupport.ECHO).start()) {
      ReconnectingClient client = ReconnectingClient.builder()
          .addresses("127.0.0.1:" + closedPort(), "127.0.0.1:" + server.port())
          .listener(recorder)
          .build();
      try (Connection connection = client.connect()) {
        connection.write(ascii("hi"));
        assertArrayEquals("hi".getBytes(java.nio.charset.StandardCharsets.US_ASCII), readExactly(connection, 2));
      }
      assertEquals(List.of("attempt 1", "connected 1"), events);
    }
  }

  @Test
  void connectsOnceTheServerComesBack() throws Exception {
    int port = closedPort();
    ReconnectingClient client = ReconnectingClient.builder()
        .addresses("127.0.0.1:" + port)
        .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(100)).maxElapsed(Duration.ofSeconds(20)))
        .listener(recorder)
        .build();
    CompletableFuture<Connection> connecting = CompletableFuture.supplyAsync(() -> {
      try {
        return client.connect();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Thread.sleep(300);
    try (Server server = Server.builder().bind("127.0.0.1", port).handler(TestSupport.ECHO).start();
        Connection connection = connecting.get(20, TimeUnit.SECONDS)) {
      connection.write(ascii("back"));
      assertEquals(4, readExactly(connection, 4).length);
      assertTrue(server.port() == port);
    }
    assertTrue(events.size() >= 4, events.toString());
    assertTrue(events.get(events.size() - 1).startsWith("connected "), events.toString());
  }

  @Test
  void givesUpAfterMaxAttemptsNamingTheLimit() throws Exception {
    ReconnectingClient client = ReconnectingClient.builder()
        .addresses("127.0.0.1:" + closedPort())
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5)).maxAttempts(3))
        .listener(recorder)
        .build();
    ConnectException e = assertThrows(ConnectException.class, client::connect);
    assertTrue(e.getMessage().contains("after 3 attempt(s)") && e.getMessage().contains("maxAttempts 3"), e.getMessage());
    assertEquals(List.of("attempt 1", "failed 1", "attempt 2", "failed 2", "attempt 3", "gave up 3"), events);
  }

  @Test
  void givesUpAfterMaxElapsed() throws Exception {
    ReconnectingClient client = ReconnectingClient.builder()
        .addresses("127.0.0.1:" + closedPort())
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50)).maxElapsed(Duration.ofMillis(400)))
        .build();
    long start = System.nanoTime();
    ConnectException e = assertThrows(ConnectException.class, client::connect);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 2000, millis + " ms");
    assertTrue(e.getMessage().contains("maxElapsed"), e.getMessage());
  }

  /** Full jitter: every wait lies in [0, min(cap, initial × 2^(n-1))]. */
  @Property(tries = 500)
  void delaysStayWithinTheExponentialAndTheCap(
      @ForAll @IntRange(min = 1, max = 200) int attempt, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10));
    Duration delay = backoff.delayAfter(attempt, () -> random);
    double ceiling = Math.min(10_000.0, 100.0 * Math.pow(2, attempt - 1));
    assertTrue(!delay.isNegative() && delay.toNanos() <= ceiling * 1_000_000, delay + " for attempt " + attempt);
  }
}
