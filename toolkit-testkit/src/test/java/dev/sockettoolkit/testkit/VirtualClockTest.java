package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.InMemoryAddress;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped default timeouts (5 min idle, 30 s write, 10 s TLS handshake) and simulated latency,
 * run in virtual time: each test takes a fraction of a second of real time and asserts the exact
 * virtual moment each timeout fired.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // servers held open by try-with-resources, never referenced
class VirtualClockTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();

  private static InMemoryAddress freshAddress() {
    return InMemoryAddress.named("virtual-" + NAMES.incrementAndGet());
  }

  private static ConnectionOptions clientOptions(VirtualClock clock) {
    return ConnectionOptions.defaults().toBuilder().timeSource(clock).build();
  }

  /**
   * Runs {@code test} and returns the real time it took; the test certificates are made before,
   * once per JVM, as they are not what is timed.
   */
  private static Duration timed(ThrowingRunnable test) throws Exception {
    TestCertificates.get();
    long start = System.nanoTime();
    test.run();
    Duration real = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("real time: " + real.toMillis() + " ms");
    return real;
  }

  /** A listener that records each failed connection and the virtual time it failed at. */
  private static ConnectionListener recordingFailures(
      VirtualClock clock, List<Duration> failedAt, List<Throwable> failures) {
    return new ConnectionListener() {
      @Override
      public void failed(Connection connection, Throwable failure) {
        failedAt.add(clock.elapsed());
        failures.add(failure);
      }
    };
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** The example of docs/TESTKIT.md and of {@link VirtualClock}'s Javadoc, as written there. */
  @Test
  void theFiveMinuteIdleTimeoutInAFewMillisecondsOfRealTime() throws Exception {
    InMemoryAddress address = InMemoryAddress.named("idle");
    try (VirtualClock clock = VirtualClock.autoAdvancing();
        Server server =
            Server.builder()
                .bind(address)
                .timeSource(clock)                   // the shipped 5 min idle timeout, virtual
                .handler(connection -> connection.read(ByteBuffer.allocate(1)))
                .start();
        Connection client =
            Client.connect(address, ConnectionOptions.defaults().toBuilder().timeSource(clock).build())) {
      assertThrows(ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
      assertEquals(Duration.ofMinutes(5), clock.elapsed());  // exactly; a few ms of real time
    }
  }

  @Test
  void theShippedIdleTimeoutDropsASilentClientAfterExactlyFiveVirtualMinutes() throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Duration> failedAt = new CopyOnWriteArrayList<>();
    Duration real =
        timed(
            () -> {
              try (VirtualClock clock = VirtualClock.autoAdvancing()) {
                InMemoryAddress address = freshAddress();
                try (Server server =
                    Server.builder()
                        .bind(address)
                        .timeSource(clock) // serverDefaults(): the 5 min idle timeout
                        .listener(
                            recordingFailures(clock, failedAt, failures))
                        .handler(connection -> connection.read(ByteBuffer.allocate(1)))
                        .start()) {
                  try (Connection client = Client.connect(address, clientOptions(clock))) {
                    assertThrows(
                        ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
                    assertEquals(Duration.ofMinutes(5), clock.elapsed());
                  }
                }
              }
            });
    assertEquals(List.of(Duration.ofMinutes(5)), failedAt);
    ConnectionTimeoutException timeout = assertInstanceOf(ConnectionTimeoutException.class, failures.get(0));
    assertEquals(ConnectionTimeoutException.Kind.IDLE, timeout.kind());
    assertTrue(real.compareTo(Duration.ofSeconds(1)) < 0, "took " + real + " of real time");
  }

  @Test
  void theShippedWriteTimeoutAbortsAWriterAfterExactlyThirtyVirtualSeconds() throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Duration> failedAt = new CopyOnWriteArrayList<>();
    Duration real =
        timed(
            () -> {
              try (VirtualClock clock = VirtualClock.autoAdvancing()) {
                InMemoryAddress address = freshAddress();
                try (Server server =
                        Server.builder()
                            .bind(address)
                            .timeSource(clock)
                            .listener(
                                recordingFailures(clock, failedAt, failures))
                            // 1 MiB to a client that never reads: the 64 KiB pipe fills at once.
                            .handler(connection -> connection.write(ByteBuffer.allocate(1 << 20)))
                            .start();
                    Connection client = Client.connect(address, clientOptions(clock))) {
                  clock.sleep(Duration.ofMinutes(1)); // not reading
                  assertEquals(Duration.ofMinutes(1), clock.elapsed());
                  // The server aborted: what it had buffered is dropped, the client reads a reset.
                  assertThrows(
                      ConnectionResetException.class, () -> client.read(ByteBuffer.allocate(1)));
                }
              }
            });
    assertEquals(List.of(Duration.ofSeconds(30)), failedAt);
    ConnectionTimeoutException timeout = assertInstanceOf(ConnectionTimeoutException.class, failures.get(0));
    assertEquals(ConnectionTimeoutException.Kind.WRITE, timeout.kind());
    assertTrue(real.compareTo(Duration.ofSeconds(1)) < 0, "took " + real + " of real time");
  }

  @Test
  void theShippedHandshakeTimeoutDropsAClientThatSaysNothingAfterExactlyTenVirtualSeconds()
      throws Exception {
    List<Duration> closedAt = new CopyOnWriteArrayList<>();
    Duration real =
        timed(
            () -> {
              try (VirtualClock clock = VirtualClock.autoAdvancing()) {
                InMemoryAddress address = freshAddress();
                try (Server server =
                        Server.builder()
                            .bind(address)
                            .timeSource(clock)
                            .listener(
                                new ConnectionListener() {
                                  @Override
                                  public void closed(Connection connection) {
                                    closedAt.add(clock.elapsed());
                                  }
                                })
                            .handler(
                                TlsConnection.serverHandler(
                                    TestCertificates.get().serverConfig(), tls -> tls.read(ByteBuffer.allocate(1))))
                            .start();
                    Connection silent = Client.connect(address, clientOptions(clock))) {
                  // No ClientHello: the server gives up after its 10 s handshake timeout.
                  ByteBuffer sink = ByteBuffer.allocate(1024);
                  try {
                    while (silent.read(sink.clear()) >= 0) {
                      // an alert, perhaps; then end of stream
                    }
                  } catch (ConnectionResetException e) {
                    // also an acceptable way to be dropped
                  }
                  assertEquals(Duration.ofSeconds(10), clock.elapsed());
                }
              }
            });
    assertEquals(List.of(Duration.ofSeconds(10)), closedAt);
    assertTrue(real.compareTo(Duration.ofSeconds(1)) < 0, "took " + real + " of real time");
  }

  @Test
  void advanceByHandFiresAReadTimeoutExactlyAtItsDeadline() throws Exception {
    try (VirtualClock clock = VirtualClock.manual();
        ConnectionPair pair =
            ConnectionPair.inMemory(
                ConnectionPair.DEFAULT_BUFFER_SIZE,
                clientOptions(clock).toBuilder().readTimeout(Duration.ofSeconds(30)).build())) {
      List<Object> outcome = new CopyOnWriteArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  outcome.add(pair.server().read(ByteBuffer.allocate(1)));
                } catch (IOException e) {
                  outcome.add(e);
                }
              });
      clock.attach(reader);
      reader.start();
      clock.advance(Duration.ofSeconds(29));
      assertEquals(List.of(), outcome, "nothing fires before the deadline");
      clock.advance(Duration.ofSeconds(1));
      reader.join(5_000);
      assertEquals(1, outcome.size());
      ConnectionTimeoutException timeout = assertInstanceOf(ConnectionTimeoutException.class, outcome.get(0));
      assertEquals(ConnectionTimeoutException.Kind.READ, timeout.kind());
      assertEquals(Duration.ofSeconds(30), clock.elapsed());
    }
  }

  @Test
  void timersFireInDeadlineOrderThenInTheOrderTheyWereSet() {
    try (VirtualClock clock = VirtualClock.manual()) {
      List<String> fired = new CopyOnWriteArrayList<>();
      long start = clock.nanoTime();
      clock.schedule(start + Duration.ofSeconds(2).toNanos(), () -> fired.add("b"));
      clock.schedule(start + Duration.ofSeconds(1).toNanos(), () -> fired.add("a"));
      clock.schedule(start + Duration.ofSeconds(2).toNanos(), () -> fired.add("c"));
      clock.advance(Duration.ofSeconds(1));
      assertEquals(List.of("a"), fired);
      clock.advance(Duration.ofSeconds(5));
      assertEquals(List.of("a", "b", "c"), fired);
      assertEquals(Duration.ofSeconds(6), clock.elapsed());
    }
  }

  @Test
  void aTestThreadWaitingOutsideTheToolkitLetsTheClockJumpAfterTheSettleTime() throws Exception {
    try (VirtualClock clock = VirtualClock.autoAdvancing();
        ConnectionPair pair =
            ConnectionPair.inMemory(
                ConnectionPair.DEFAULT_BUFFER_SIZE,
                clientOptions(clock).toBuilder().readTimeout(Duration.ofMinutes(1)).build())) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  pair.server().read(ByteBuffer.allocate(1));
                  outcome.complete(null);
                } catch (IOException e) {
                  outcome.complete(e);
                }
              });
      clock.attach(reader);
      reader.start();
      // A Future, not the toolkit: the clock jumps once everyone stayed still for 20 ms.
      Throwable failure = outcome.get(10, TimeUnit.SECONDS);
      assertEquals(
          ConnectionTimeoutException.Kind.READ,
          assertInstanceOf(ConnectionTimeoutException.class, failure).kind());
      assertEquals(Duration.ofMinutes(1), clock.elapsed());
    }
  }

  @Test
  void aMockPeerOnTheClockDelaysItsRepliesInVirtualTime() throws Exception {
    try (VirtualClock clock = VirtualClock.autoAdvancing();
        MockPeer<String> peer = MockPeer.inMemory(LINES, clock)) {
      peer.expect("PING").delay(Duration.ofSeconds(10)).reply("PONG")
          .expect("PING").delay(Duration.ofSeconds(45)).reply("late PONG");
      try (MessageChannel<String> client =
          MessageChannel.open(Client.connect(peer.address(), clientOptions(clock)), LINES)) {
        client.send("PING");
        assertEquals("PONG", client.receive(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(10), clock.elapsed());
        client.send("PING");
        ConnectionTimeoutException timeout =
            assertThrows(ConnectionTimeoutException.class, () -> client.receive(Duration.ofSeconds(30)));
        assertEquals(ConnectionTimeoutException.Kind.READ, timeout.kind());
        assertEquals(Duration.ofSeconds(40), clock.elapsed(), "30 s after the second PING");
        assertEquals("late PONG", client.receive());
        assertEquals(Duration.ofSeconds(55), clock.elapsed());
      }
      peer.verify();
    }
  }

  @Test
  void aHostileNetworkWithLatencyRepeatsExactlyFromItsSeed() throws Exception {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    Duration real = timed(() -> first.addAll(echoOverAHostileNetwork(42)));
    timed(() -> second.addAll(echoOverAHostileNetwork(42)));
    System.out.println(first);
    assertEquals(first, second, "the same seed gives the same virtual timeline");
    assertTrue(real.compareTo(Duration.ofSeconds(1)) < 0, "took " + real + " of real time");
  }

  /**
   * TLS with the shipped handshake timeout and a line protocol, over a network with 200 ms
   * latency, up to 50 ms jitter and random chunking, through a server with the shipped 5 min
   * idle timeout; then the client goes quiet until the server drops it. Returns what the client
   * saw, with the virtual time of each event.
   */
  private static List<String> echoOverAHostileNetwork(long seed) throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder()
            .seed(seed)
            .chunking(Chunking.random(64))
            .latency(Duration.ofMillis(200), Duration.ofMillis(50))
            .build();
    List<String> timeline = new ArrayList<>();
    try (VirtualClock clock = VirtualClock.autoAdvancing()) {
      InMemoryAddress address = freshAddress();
      try (Server server =
          Server.builder()
              .bind(address)
              .timeSource(clock)
              .handler(
                  TlsConnection.serverHandler(
                      TestCertificates.get().serverConfig(),
                      tls -> {
                        MessageChannel<String> channel = MessageChannel.open(tls, LINES);
                        for (String line; (line = channel.receive()) != null; ) {
                          channel.send("echo " + line);
                        }
                      }))
              .start()) {
        Connection raw = Loopback.connect(address, conditions, clientOptions(clock));
        try (TlsConnection tls =
            TlsConnection.client(raw, TestCertificates.get().clientConfig(), "localhost")) {
          tls.handshake();
          timeline.add("handshake done at " + clock.elapsed());
          MessageChannel<String> channel = MessageChannel.open(tls, LINES);
          for (int i = 0; i < 5; i++) {
            channel.send("message " + i);
            timeline.add(channel.receive() + " at " + clock.elapsed());
          }
          try {
            String next = channel.receive();
            timeline.add("received " + next + " at " + clock.elapsed());
          } catch (IOException e) {
            timeline.add(e.getClass().getSimpleName() + " at " + clock.elapsed());
          }
        }
      }
    }
    return timeline;
  }
}
