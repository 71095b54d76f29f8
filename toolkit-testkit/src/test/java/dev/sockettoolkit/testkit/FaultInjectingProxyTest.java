package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy carries real TCP traffic through the conditions, both ways, and injects faults. */
@ExtendWith(TestkitExtension.class)
@Timeout(60)
class FaultInjectingProxyTest {

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static InetSocketAddress address(Server server) {
    return (InetSocketAddress) server.localAddress();
  }

  /** Writes {@code data}, half-closes, and returns everything echoed back. */
  private static byte[] echoThrough(Connection c, byte[] data) throws Exception {
    CompletableFuture<byte[]> back =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return c.inputStream().readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      c.write(ByteBuffer.wrap(data));
      c.shutdownOutput();
      return back.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause().getCause() instanceof IOException io ? io : e;
    }
  }

  @Test
  void carriesBothDirectionsThroughChunkingAndLatency(Server echo) throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder()
            .seed(5)
            .chunking(Chunking.random(1, 300))
            .latency(Duration.ofMillis(1), Duration.ofMillis(1))
            .build();
    byte[] data = data(300_000);
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(address(echo), conditions);
        Connection c = Client.connect(proxy.address(), ConnectionOptions.defaults())) {
      assertArrayEquals(data, echoThrough(c, data));
      assertEquals(1, proxy.connectionsProxied());
    }
  }

  @Test
  void bandwidthLimitSlowsTheTransfer(Server echo) throws Exception {
    NetworkConditions conditions = NetworkConditions.builder().seed(6).bandwidth(200_000).build();
    byte[] data = data(60_000);
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(address(echo), conditions);
        Connection c = Client.connect(proxy.address(), ConnectionOptions.defaults())) {
      long start = System.nanoTime();
      assertArrayEquals(data, echoThrough(c, data));
      // 60 KB each way at 200 KB/s cannot take much less than 0.3 s per direction.
      assertTrue(System.nanoTime() - start > Duration.ofMillis(250).toNanos(), "not throttled");
    }
  }

  @Test
  void resetAtAnOffsetResetsTheClient(Server echo) throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder().seed(7).fault(Fault.resetAt(10_000)).build();
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(address(echo), conditions);
        Connection c = Client.connect(proxy.address(), ConnectionOptions.defaults())) {
      assertThrows(IOException.class, () -> echoThrough(c, data(100_000)));
    }
  }

  @Test
  void corruptionReachesThePeer(Server echo) throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder().seed(8).fault(Fault.corruptAt(1234)).build();
    byte[] data = data(5000);
    try (FaultInjectingProxy proxy = FaultInjectingProxy.start(address(echo), conditions);
        Connection c = Client.connect(proxy.address(), ConnectionOptions.defaults())) {
      byte[] back = echoThrough(c, data);
      assertEquals(data.length, back.length);
      int differing = 0;
      for (int i = 0; i < data.length; i++) {
        differing += data[i] != back[i] ? 1 : 0;
      }
      // Corrupted once on the way in and, independently, once on the way back: the two may cancel
      // only if they hit the same byte with the same flip, which the seed here does not.
      assertTrue(differing >= 1 && differing <= 2, differing + " bytes differ");
    }
  }

  @Test
  void extensionGivesHostilePairsFromTheSeed(@Hostile dev.sockettoolkit.core.ConnectionPair pair)
      throws Exception {
    byte[] data = data(50_000);
    CompletableFuture<byte[]> got =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pair.server().inputStream().readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    pair.client().write(ByteBuffer.wrap(data));
    pair.client().shutdownOutput();
    assertArrayEquals(data, got.get(30, TimeUnit.SECONDS));
  }
}
