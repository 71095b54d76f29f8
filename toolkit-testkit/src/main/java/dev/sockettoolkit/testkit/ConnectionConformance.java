package dev.sockettoolkit.testkit;

import static dev.sockettoolkit.testkit.TestStreams.ascii;
import static dev.sockettoolkit.testkit.TestStreams.readExactly;
import static dev.sockettoolkit.testkit.TestStreams.readToEnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.ConnectionTimeoutException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-way byte stream contract, as a JUnit 5 suite for your own transport or connection
 * decorator. Implement {@link #connectionPair(ConnectionOptions)} and every check below runs
 * against your connections.
 *
 * <pre>{@code
 * class MyTransportConformanceTest implements ConnectionConformance {
 *   @Override
 *   public ConnectionPair connectionPair(ConnectionOptions options) throws IOException {
 *     return MyTransport.connectedPair(options);
 *   }
 * }
 * }</pre>
 *
 * <p>The checks: bytes arrive in order in both directions at once (8 MiB each way, CRC32
 * compared); half-close; graceful close delivers everything written; abort is seen by the peer;
 * close and abort are idempotent and later calls fail with {@link ConnectionClosedException};
 * close releases a blocked reader; reads return what is available; zero-length writes; gathering
 * writes; concurrent writers never interleave one write call; read, write and idle timeouts fire
 * with the right {@link ConnectionTimeoutException.Kind}; the stream views; addresses.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public interface ConnectionConformance {

  /**
   * A fresh connected pair whose both ends honour {@code options}' read, write and idle timeouts.
   * The suite closes both ends when a check ends.
   */
  ConnectionPair connectionPair(ConnectionOptions options) throws IOException;

  /**
   * Whether {@link Connection#abort()} reaches the peer as a {@link ConnectionResetException}
   * (TCP, in-memory) rather than as a plain end of stream (Unix-domain sockets). Default true.
   */
  default boolean abortResetsPeer() {
    return true;
  }

  /**
   * Whether {@link Connection#shutdownOutput()} is a half-close: the peer reads end of stream and
   * can still write back. Default true. TLS 1.3 on the Conscrypt and Bouncy Castle JSSE providers
   * answers a received close_notify by closing both directions (as TLS 1.2 does); such a transport
   * returns false, and the suite then checks that a write after the peer's close_notify, and a
   * read after this side's, fail with {@link ConnectionClosedException} instead of losing data,
   * and runs the two-way transfer without half-closing.
   */
  default boolean supportsHalfClose() {
    return true;
  }

  /** Bytes sent each way by {@link #bytesArriveInOrderInBothDirectionsAtOnce()}; default 8 MiB. */
  default long bulkTransferSize() {
    return 8L * 1024 * 1024;
  }

  @Test
  default void bytesArriveInOrderInBothDirectionsAtOnce() throws Exception {
    long size = bulkTransferSize();
    boolean halfClose = supportsHalfClose();
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      CompletableFuture<Long> clientSent = background(() -> send(pair.client(), size, 1, halfClose));
      CompletableFuture<Long> serverSent = background(() -> send(pair.server(), size, 2, halfClose));
      long limit = halfClose ? Long.MAX_VALUE : size;
      CompletableFuture<long[]> serverGot =
          background(() -> TestStreams.readAndChecksum(pair.server(), limit));
      long[] clientGot = TestStreams.readAndChecksum(pair.client(), limit);
      assertEquals(size, clientGot[0], "bytes the client received");
      assertEquals(serverSent.get(), clientGot[1], "CRC32 of what the client received");
      assertEquals(size, serverGot.get()[0], "bytes the server received");
      assertEquals(clientSent.get(), serverGot.get()[1], "CRC32 of what the server received");
    }
  }

  private static long send(Connection connection, long size, long seed, boolean halfClose)
      throws IOException {
    long crc = TestStreams.writeRandom(connection, size, seed);
    if (halfClose) {
      connection.shutdownOutput();
    }
    return crc;
  }

  @Test
  default void halfCloseLetsThePeerReplyAfterEndOfStream() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().write(ascii("question"));
      pair.client().shutdownOutput();
      assertEquals("question", readToEnd(pair.server()));
      if (!supportsHalfClose()) {
        // The peer's close_notify closed both directions: a write fails clearly, never lost, and
        // the half-closed side cannot read on, rather than seeing a false end of stream.
        assertThrows(ConnectionClosedException.class, () -> pair.server().write(ascii("answer")));
        assertThrows(ConnectionClosedException.class, () -> pair.client().read(ByteBuffer.allocate(1)));
        return;
      }
      pair.server().write(ascii("answer"));
      pair.server().close();
      assertEquals("answer", readToEnd(pair.client()));
      assertThrows(ConnectionClosedException.class, () -> pair.client().write(ascii("more")));
    }
  }

  @Test
  default void endOfStreamIsStickyAndShutdownIsIdempotent() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().shutdownOutput();
      pair.client().shutdownOutput();
      assertEquals(-1, pair.server().read(ByteBuffer.allocate(1)));
      assertEquals(-1, pair.server().read(ByteBuffer.allocate(1)));
    }
  }

  @Test
  default void gracefulCloseDeliversEverythingWrittenBeforeIt() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      byte[] data = new byte[200_000];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 31);
      }
      CompletableFuture<byte[]> received = background(() -> pair.client().inputStream().readAllBytes());
      pair.server().write(ByteBuffer.wrap(data));
      pair.server().close();
      assertArrayEquals(data, received.get());
    }
  }

  @Test
  default void abortIsSeenByThePeer() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().abort();
      assertFalse(pair.client().isOpen());
      if (abortResetsPeer()) {
        assertThrows(ConnectionResetException.class, () -> pair.server().read(ByteBuffer.allocate(8)));
        assertFalse(pair.server().isOpen(), "a reset closes the connection");
      } else {
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(8)));
      }
    }
  }

  @Test
  default void closeAndAbortAreIdempotentAndLaterCallsFailClearly() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().close();
      pair.client().close();
      pair.client().abort();
      ConnectionClosedException read =
          assertThrows(ConnectionClosedException.class, () -> pair.client().read(ByteBuffer.allocate(1)));
      assertTrue(read.getMessage().contains("closed"), read.getMessage());
      assertThrows(ConnectionClosedException.class, () -> pair.client().write(ascii("x")));
      assertThrows(ConnectionClosedException.class, () -> pair.client().shutdownOutput());
    }
  }

  @Test
  default void closeReleasesAThreadBlockedInRead() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      CompletableFuture<Integer> read = background(() -> pair.client().read(ByteBuffer.allocate(8)));
      Thread.sleep(100);
      pair.client().close();
      Throwable failure = assertThrows(Exception.class, () -> read.get(5, TimeUnit.SECONDS)).getCause();
      assertTrue(failure instanceof ConnectionClosedException, String.valueOf(failure));
    }
  }

  @Test
  default void readReturnsWhatIsAvailableWithoutWaitingForMore() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().write(ascii("abc"));
      ByteBuffer buffer = ByteBuffer.allocate(100);
      while (buffer.position() < 3) {
        assertTrue(pair.server().read(buffer) > 0);
      }
      assertEquals(3, buffer.position());
      assertEquals("abc", new String(buffer.array(), 0, 3, StandardCharsets.US_ASCII));
    }
  }

  @Test
  default void zeroLengthWritesAndFullBuffersAreNoOps() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      pair.client().write(ByteBuffer.allocate(0));
      pair.client().write();
      assertEquals(0, pair.client().read(ByteBuffer.allocate(0)));
      pair.client().write(ascii("z"));
      assertEquals("z", new String(readExactly(pair.server(), 1), StandardCharsets.US_ASCII));
    }
  }

  @Test
  default void gatheringWriteSendsTheBuffersInOrder() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      ByteBuffer direct = ByteBuffer.allocateDirect(6).put(ascii("three!")).flip();
      pair.client().write(ascii("one "), ByteBuffer.allocate(0), ascii("two "), direct);
      pair.client().shutdownOutput();
      assertEquals("one two three!", readToEnd(pair.server()));
    }
  }

  @Test
  default void concurrentWritersNeverInterleaveOneWriteCall() throws Exception {
    int writers = 4;
    int writesEach = 300;
    int blockSize = 3000;
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte value = (byte) ('A' + w);
        done.add(
            background(
                () -> {
                  byte[] block = new byte[blockSize];
                  Arrays.fill(block, value);
                  for (int i = 0; i < writesEach; i++) {
                    pair.client().write(ByteBuffer.wrap(block, 0, 1000), ByteBuffer.wrap(block, 1000, 2000));
                  }
                  return null;
                }));
      }
      CompletableFuture<byte[]> received = background(() -> pair.server().inputStream().readAllBytes());
      for (CompletableFuture<Void> writer : done) {
        writer.get();
      }
      pair.client().shutdownOutput();
      byte[] all = received.get();
      assertEquals(writers * writesEach * blockSize, all.length);
      for (int offset = 0; offset < all.length; offset += blockSize) {
        for (int i = 1; i < blockSize; i++) {
          if (all[offset + i] != all[offset]) {
            throw new AssertionError("two write calls interleaved at byte " + (offset + i));
          }
        }
      }
    }
  }

  @Test
  default void readTimeoutFiresAndLeavesTheConnectionUsable() throws Exception {
    ConnectionOptions options = ConnectionOptions.builder().readTimeout(Duration.ofMillis(150)).build();
    try (ConnectionPair pair = connectionPair(options)) {
      long start = System.nanoTime();
      ConnectionTimeoutException e =
          assertThrows(ConnectionTimeoutException.class, () -> pair.server().read(ByteBuffer.allocate(4)));
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(Kind.READ, e.kind());
      assertEquals(Duration.ofMillis(150), e.timeout());
      assertTrue(e.getMessage().startsWith("read timeout of 150 ms fired"), e.getMessage());
      assertTrue(elapsedMillis >= 140, "fired after " + elapsedMillis + " ms");
      assertTrue(pair.server().isOpen());
      pair.client().write(ascii("late"));
      assertEquals("late", new String(readExactly(pair.server(), 4), StandardCharsets.US_ASCII));
    }
  }

  @Test
  default void aTimedReadOverridesTheConfiguredReadTimeout() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      ConnectionTimeoutException e =
          assertThrows(
              ConnectionTimeoutException.class,
              () -> pair.server().read(ByteBuffer.allocate(4), Duration.ofMillis(50)));
      assertEquals(Kind.READ, e.kind());
      assertEquals(Duration.ofMillis(50), e.timeout());
      pair.client().write(ascii("ok"));
      assertEquals(2, readExactly(pair.server(), 2).length);
    }
  }

  @Test
  default void writeTimeoutFiresWhenThePeerStopsReading() throws Exception {
    ConnectionOptions options =
        ConnectionOptions.builder()
            .writeTimeout(Duration.ofMillis(300))
            .sendBufferSize(16 * 1024)
            .receiveBufferSize(16 * 1024)
            .build();
    try (ConnectionPair pair = connectionPair(options)) {
      ByteBuffer big = ByteBuffer.allocate(64 * 1024 * 1024);
      ConnectionTimeoutException e =
          assertThrows(ConnectionTimeoutException.class, () -> pair.client().write(big));
      assertEquals(Kind.WRITE, e.kind());
      assertTrue(big.hasRemaining(), "the peer never read, so the write cannot have finished");
      assertFalse(pair.client().isOpen(), "a write timeout aborts the connection");
      assertThrows(IOException.class, () -> pair.client().write(ascii("again")));
    }
  }

  @Test
  default void idleTimeoutAbortsAQuietConnection() throws Exception {
    ConnectionOptions options = ConnectionOptions.builder().idleTimeout(Duration.ofMillis(200)).build();
    try (ConnectionPair pair = connectionPair(options)) {
      // Both ends are idle: whichever fires first aborts, and the other sees that abort.
      CompletableFuture<Integer> clientRead = background(() -> pair.client().read(ByteBuffer.allocate(4)));
      CompletableFuture<Integer> serverRead = background(() -> pair.server().read(ByteBuffer.allocate(4)));
      Object client = outcome(clientRead);
      Object server = outcome(serverRead);
      assertTrue(
          isIdleTimeout(client) || isIdleTimeout(server),
          "no IDLE timeout fired: client " + client + ", server " + server);
      for (Object end : List.of(client, server)) {
        assertTrue(
            isIdleTimeout(end)
                || end instanceof ConnectionResetException
                || (!abortResetsPeer() && Integer.valueOf(-1).equals(end)),
            "an end neither timed out nor saw the other's abort: " + end);
      }
      assertFalse(pair.server().isOpen() && pair.client().isOpen());
    }
  }

  private static Object outcome(CompletableFuture<Integer> read) throws Exception {
    try {
      return read.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  private static boolean isIdleTimeout(Object outcome) {
    return outcome instanceof ConnectionTimeoutException
        && ((ConnectionTimeoutException) outcome).kind() == Kind.IDLE;
  }

  @Test
  default void trafficKeepsTheIdleTimeoutFromFiring() throws Exception {
    // 1.2 s of exchanges every 100 ms against a 1 s idle timeout: the margin of 900 ms per round
    // trip holds on a loaded 2-core machine and with slow engines (Bouncy Castle's TLS).
    ConnectionOptions options = ConnectionOptions.builder().idleTimeout(Duration.ofSeconds(1)).build();
    try (ConnectionPair pair = connectionPair(options)) {
      for (int i = 0; i < 12; i++) {
        pair.client().write(ascii("."));
        readExactly(pair.server(), 1);
        pair.server().write(ascii(","));
        readExactly(pair.client(), 1);
        Thread.sleep(100);
      }
      assertTrue(pair.server().isOpen());
      assertTrue(pair.client().isOpen());
    }
  }

  @Test
  default void streamViewsReadAndWrite() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      OutputStream out = pair.client().outputStream();
      out.write('h');
      out.write("ello".getBytes(StandardCharsets.US_ASCII));
      out.close();
      InputStream in = pair.server().inputStream();
      assertEquals('h', in.read());
      assertEquals("ello", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      assertEquals(-1, in.read());
      in.close();
      assertFalse(pair.server().isOpen(), "closing the input stream closes the connection");
    }
  }

  @Test
  default void addressesAreReported() throws Exception {
    try (ConnectionPair pair = connectionPair(ConnectionOptions.defaults())) {
      assertNotNull(pair.client().localAddress());
      assertNotNull(pair.client().remoteAddress());
      assertEquals(pair.client().remoteAddress(), pair.server().localAddress());
    }
  }

  /** Runs {@code task} on a new daemon thread. */
  private static <T> CompletableFuture<T> background(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(task.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "conformance-worker");
    thread.setDaemon(true);
    thread.start();
    return result;
  }
}
