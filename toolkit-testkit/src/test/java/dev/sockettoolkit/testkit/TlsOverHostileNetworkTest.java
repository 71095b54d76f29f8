package dev.sockettoolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TlsTruncationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS through the testkit's hostile in-memory networks: tiny chunks, latency, faults. */
@Timeout(120)
class TlsOverHostileNetworkTest {
  private final TestCertificates certs = TestCertificates.get();

  private static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static CompletableFuture<byte[]> readAll(dev.sockettoolkit.core.Connection c) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return c.inputStream().readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void oneByteChunksBothWaysWithLatency() throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder()
            .seed(42)
            .chunking(Chunking.oneByte())
            .latency(Duration.ofMillis(1), Duration.ofMillis(1))
            // Room for the server's post-handshake session tickets, which it sends before the
            // client reads again; smaller than any real socket buffer.
            .bufferSize(8192)
            .build();
    try (ConnectionPair tls = certs.secure(Loopback.pair(conditions))) {
      byte[] up = data(40_000, 1);
      byte[] down = data(30_000, 2);
      CompletableFuture<byte[]> atServer = readAll(tls.server());
      CompletableFuture<byte[]> atClient = readAll(tls.client());
      CompletableFuture<Void> serverWrites =
          CompletableFuture.runAsync(
              () -> {
                try {
                  tls.server().write(ByteBuffer.wrap(down));
                  tls.server().shutdownOutput();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      tls.client().write(ByteBuffer.wrap(up));
      tls.client().shutdownOutput();
      serverWrites.get(60, TimeUnit.SECONDS);
      assertArrayEquals(up, atServer.get(60, TimeUnit.SECONDS), "client to server " + conditions);
      assertArrayEquals(down, atClient.get(60, TimeUnit.SECONDS), "server to client " + conditions);
    }
  }

  @Test
  void randomChunksCarryABulkTransfer() throws Exception {
    NetworkConditions conditions =
        NetworkConditions.builder().seed(7).chunking(Chunking.random(1, 3000)).bufferSize(8192).build();
    try (ConnectionPair tls = certs.secure(Loopback.pair(conditions))) {
      byte[] up = data(4 << 20, 3);
      CompletableFuture<byte[]> atServer = readAll(tls.server());
      tls.client().write(ByteBuffer.wrap(up));
      tls.client().shutdownOutput();
      assertArrayEquals(up, atServer.get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void aResetDuringTheHandshakeFailsBothSidesPromptly() {
    // The ClientHello is a few hundred bytes: reset the client's direction inside it.
    NetworkConditions conditions =
        NetworkConditions.builder().seed(9).chunking(Chunking.random(1, 50)).fault(Fault.resetAt(100)).build();
    long start = System.nanoTime();
    IOException failure =
        assertThrows(IOException.class, () -> certs.secure(Loopback.pair(conditions)).close());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(), "the failure took too long");
    assertTrue(failure.getMessage() != null && !failure.getMessage().isBlank(), "no reason given");
  }

  @Test
  void endOfStreamWithoutCloseNotifyIsATruncation() throws Exception {
    // Past the handshake (a few KB), the client's direction just ends: no close_notify arrives.
    NetworkConditions conditions =
        NetworkConditions.builder().seed(11).fault(Fault.endOfStreamAt(20_000)).build();
    try (ConnectionPair tls = certs.secure(Loopback.pair(conditions))) {
      CompletableFuture<byte[]> atServer = readAll(tls.server());
      assertThrows(IOException.class, () -> tls.client().write(ByteBuffer.wrap(data(100_000, 4))));
      Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, () -> atServer.get(30, TimeUnit.SECONDS)).getCause();
      assertTrue(cause.getCause() instanceof TlsTruncationException, "expected a truncation, got " + cause.getCause());
    }
  }

  @Test
  void aStalledHandshakeHitsTheHandshakeTimeout() throws Exception {
    try (ConnectionPair plain = Loopback.pair(NetworkConditions.perfect(), ConnectionOptions.defaults())) {
      TlsConfig config = TlsConfig.server(certs.server().keyMaterial()).handshakeTimeout(Duration.ofMillis(300)).build();
      TlsConnection server = TlsConnection.server(plain.server(), config);
      // The client never speaks: the server must give up after its handshake timeout.
      ConnectionTimeoutException e = assertThrows(ConnectionTimeoutException.class, server::handshake);
      assertEquals(ConnectionTimeoutException.Kind.HANDSHAKE, e.kind());
    }
  }
}
