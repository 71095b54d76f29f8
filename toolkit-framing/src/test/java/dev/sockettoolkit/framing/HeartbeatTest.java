package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.Server;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeartbeatTest {
  private static final FrameCodec<String> LINES = FrameCodecs.lines().build();
  private static final Heartbeat<String> FAST = Heartbeat.of("PING", "PING"::equals)
      .pingAfter(Duration.ofMillis(50))
      .timeout(Duration.ofMillis(400));

  @Test
  void stalledInMemoryPeerIsDetectedWithinTheHeartbeatTimeout() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> channel = FAST.open(pair.client(), LINES);
      long start = System.nanoTime();
      ConnectionTimeoutException e = assertThrows(ConnectionTimeoutException.class, channel::receive);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(ConnectionTimeoutException.Kind.HEARTBEAT, e.kind());
      assertTrue(millis >= 350 && millis < 2000, millis + " ms");
      assertThrows(ConnectionTimeoutException.class, () -> channel.send("late"));
    }
  }

  @Test
  void stalledTcpPeerIsDetectedLongBeforeTheIdleTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Server server = Server.builder().handler(connection -> release.await(30, TimeUnit.SECONDS)).start();
        Connection connection = Client.connect("127.0.0.1:" + server.port())) {
      MessageChannel<String> channel = FAST.open(connection, LINES);
      long start = System.nanoTime();
      ConnectionTimeoutException e = assertThrows(ConnectionTimeoutException.class, channel::receive);
      assertEquals(ConnectionTimeoutException.Kind.HEARTBEAT, e.kind());
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 2000);
      assertTrue(e.getMessage().contains("heartbeat timeout of 400 ms"), e.getMessage());
    } finally {
      release.countDown();
    }
  }

  @Test
  void pingsKeepQuietPeersAliveAndAreNeverSeen() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> a = FAST.open(pair.client(), LINES);
      MessageChannel<String> b = FAST.open(pair.server(), LINES);
      Thread.sleep(1200);   // three timeouts of silence but for the pings
      a.send("hello");
      assertEquals("hello", b.receive(Duration.ofSeconds(5)));
      b.send("world");
      assertEquals("world", a.receive(Duration.ofSeconds(5)));
      a.close();
      assertEquals(null, b.receive(Duration.ofSeconds(5)));
    }
  }

  @Test
  void dropPingsHidesPingsFromAPeerWithoutItsOwnHeartbeat() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      MessageChannel<String> sender = MessageChannel.open(pair.client(), LINES);
      MessageChannel<String> receiver = MessageChannel.open(pair.server(), FAST.dropPings(LINES));
      sender.send("PING");
      sender.send("data");
      sender.send("PING");
      sender.close();
      assertEquals("data", receiver.receive());
      assertEquals(null, receiver.receive());
    }
  }
}
