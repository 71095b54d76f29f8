package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static dev.sockettoolkit.core.TestSupport.readExactly;
import static dev.sockettoolkit.core.TestSupport.readToEnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionTimeoutException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-way stream contract every transport keeps. Subclasses make connected pairs of their
 * transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ConnectionContractTest {
  private final List<ConnectionPair> pairs = new ArrayList<>();
  final ExecutorService executor = Executors.newCachedThreadPool();

  /** A connected pair of this transport whose both ends use {@code options}. */
  abstract ConnectionPair connect(ConnectionOptions options) throws IOException;

  /** Whether an abort reaches the peer as a reset (TCP, in-memory) rather than a plain end of stream. */
  boolean abortResetsPeer() {
    return true;
  }

  ConnectionPair pair(ConnectionOptions options) throws IOException {
    ConnectionPair pair = connect(options);
    pairs.add(pair);
    return pair;
  }

  ConnectionPair pair() throws IOException {
    return pair(ConnectionOptions.defaults());
  }

  @AfterEach
  void closeAll() {
    pairs.forEach(
        p -> {
          p.client().abort();
          p.server().abort();
        });
    executor.shutdownNow();
  }

  @Test
  void bytesArriveInOrderInBothDirectionsAtOnce() throws Exception {
    ConnectionPair pair = pair();
    long size = 8L * 1024 * 1024;
    Future<Long> clientSent = executor.submit(() -> sendAndHalfClose(pair.client(), size, 1));
    Future<Long> serverSent = executor.submit(() -> sendAndHalfClose(pair.server(), size, 2));
    Future<long[]> serverGot = executor.submit(() -> TestSupport.readAndChecksum(pair.server()));
    long[] clientGot = TestSupport.readAndChecksum(pair.client());
    assertEquals(size, clientGot[0]);
    assertEquals(serverSent.get(), clientGot[1]);
    assertEquals(size, serverGot.get()[0]);
    assertEquals(clientSent.get(), serverGot.get()[1]);
  }

  private static long sendAndHalfClose(Connection connection, long size, long seed)
      throws IOException {
    long crc = TestSupport.writeRandom(connection, size, seed);
    connection.shutdownOutput();
    return crc;
  }

  @Test
  void halfCloseLetsThePeerReplyAfterEndOfStream() throws Exception {
    ConnectionPair pair = pair();
    pair.client().write(ascii("question"));
    pair.client().shutdownOutput();
    assertEquals("question", readToEnd(pair.server()));
    pair.server().write(ascii("answer"));
    pair.server().close();
    assertEquals("answer", readToEnd(pair.client()));
    assertThrows(ConnectionClosedException.class, () -> pair.client().write(ascii("more")));
  }

  @Test
  void shutdownOutputIsIdempotent() throws Exception {
    ConnectionPair pair = pair();
    pair.client().shutdownOutput();
    pair.client().shutdownOutput();
    assertEquals(-1, pair.server().read(ByteBuffer.allocate(1)));
    assertEquals(-1, pair.server().read(ByteBuffer.allocate(1)), "end of stream is sticky");
  }

  @Test
  void gracefulCloseDeliversEverythingWrittenBeforeIt() throws Exception {
    ConnectionPair pair = pair();
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    Future<byte[]> received = executor.submit(() -> pair.client().inputStream().readAllBytes());
    pair.server().write(ByteBuffer.wrap(data));
    pair.server().close();
    assertArrayEquals(data, received.get());
  }

  @Test
  void abortIsSeenByThePeer() throws Exception {
    ConnectionPair pair = pair();
    pair.client().abort();
    assertFalse(pair.client().isOpen());
    if (abortResetsPeer()) {
      assertThrows(ConnectionResetException.class, () -> pair.server().read(ByteBuffer.allocate(8)));
      assertFalse(pair.server().isOpen(), "a reset closes the connection");
    } else {
      assertEquals(-1, pair.server().read(ByteBuffer.allocate(8)));
    }
  }

  @Test
  void closeAndAbortAreIdempotentAndLaterCallsFailClearly() throws Exception {
    ConnectionPair pair = pair();
    pair.client().close();
    pair.client().close();
    pair.client().abort();
    ConnectionClosedException read =
        assertThrows(ConnectionClosedException.class, () -> pair.client().read(ByteBuffer.allocate(1)));
    assertTrue(read.getMessage().contains("closed"), read.getMessage());
    assertThrows(ConnectionClosedException.class, () -> pair.client().write(ascii("x")));
    assertThrows(ConnectionClosedException.class, () -> pair.client().shutdownOutput());
  }

  @Test
  void closeReleasesAThreadBlockedInRead() throws Exception {
    ConnectionPair pair = pair();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            pair.client().read(ByteBuffer.allocate(8));
            outcome.complete(null);
          } catch (Throwable t) {
            outcome.complete(t);
          }
        });
    Thread.sleep(100);
    pair.client().close();
    assertTrue(outcome.get(5, TimeUnit.SECONDS) instanceof ConnectionClosedException, () -> String.valueOf(outcome.join()));
  }

  @Test
  void readReturnsWhatIsAvailableWithoutWaitingForMore() throws Exception {
    ConnectionPair pair = pair();
    pair.client().write(ascii("abc"));
    ByteBuffer buffer = ByteBuffer.allocate(100);
    int n = 0;
    while (n < 3) {
      n += pair.server().read(buffer);
    }
    assertEquals(3, n);
    assertEquals("abc", new String(buffer.array(), 0, 3, StandardCharsets.US_ASCII));
  }

  @Test
  void zeroLengthWritesAndFullBuffersAreNoOps() throws Exception {
    ConnectionPair pair = pair();
    pair.client().write(ByteBuffer.allocate(0));
    pair.client().write();
    assertEquals(0, pair.client().read(ByteBuffer.allocate(0)));
    pair.client().write(ascii("z"));
    assertEquals("z", new String(readExactly(pair.server(), 1), StandardCharsets.US_ASCII));
  }

  @Test
  void gatheringWriteSendsTheBuffersInOrder() throws Exception {
    ConnectionPair pair = pair();
    pair.client().write(ascii("one "), ByteBuffer.allocate(0), ascii("two "), ByteBuffer.allocateDirect(6).put(ascii("three!")).flip());
    pair.client().shutdownOutput();
    assertEquals("one two three!", readToEnd(pair.server()));
  }

  @Test
  void concurrentWritersNeverInterleaveOneWriteCall() throws Exception {
    ConnectionPair pair = pair();
    int writers = 4;
    int writesEach = 300;
    int blockSize = 3000;
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      byte value = (byte) ('A' + w);
      done.add(
          executor.submit(
              () -> {
                byte[] block = new byte[blockSize];
                java.util.Arrays.fill(block, value);
                for (int i = 0; i < writesEach; i++) {
                  // Two buffers per call: the gathering write must also stay whole.
                  pair.client().write(ByteBuffer.wrap(block, 0, 1000), ByteBuffer.wrap(block, 1000, 2000));
                }
                return null;
              }));
    }
    Future<byte[]> received = executor.submit(() -> pair.server().inputStream().readAllBytes());
    for (Future<?> f : done) {
      f.get();
    }
    pair.client().shutdownOutput();
    byte[] all = received.get();
    assertEquals(writers * writesEach * blockSize, all.length);
    for (int offset = 0; offset < all.length; offset += blockSize) {
      for (int i = 1; i < blockSize; i++) {
        if (all[offset + i] != all[offset]) {
          throw new AssertionError("write interleaved at byte " + (offset + i));
        }
      }
    }
  }

  @Test
  void readTimeoutFiresAndLeavesTheConnectionUsable() throws Exception {
    ConnectionPair pair = pair(ConnectionOptions.builder().readTimeout(Duration.ofMillis(150)).build());
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

  @Test
  void aTimedReadOverridesTheConfiguredReadTimeout() throws Exception {
    ConnectionPair pair = pair();
    ConnectionTimeoutException e =
        assertThrows(
            ConnectionTimeoutException.class,
            () -> pair.server().read(ByteBuffer.allocate(4), Duration.ofMillis(50)));
    assertEquals(Duration.ofMillis(50), e.timeout());
    pair.client().write(ascii("ok"));
    assertEquals(2, readExactly(pair.server(), 2).length);
    assertThrows(IllegalArgumentException.class, () -> pair.server().read(ByteBuffer.allocate(1), Duration.ZERO));
  }

  @Test
  void writeTimeoutFiresWhenThePeerStopsReading() throws Exception {
    ConnectionOptions options =
        ConnectionOptions.builder()
            .writeTimeout(Duration.ofMillis(300))
            .sendBufferSize(16 * 1024)
            .receiveBufferSize(16 * 1024)
            .build();
    ConnectionPair pair = pair(options);
    ByteBuffer big = ByteBuffer.allocate(64 * 1024 * 1024);
    ConnectionTimeoutException e =
        assertThrows(ConnectionTimeoutException.class, () -> pair.client().write(big));
    assertEquals(Kind.WRITE, e.kind());
    assertTrue(big.position() < big.limit(), "the peer never read, so the write cannot have finished");
    assertFalse(pair.client().isOpen(), "a write timeout aborts the connection");
    assertThrows(ConnectionTimeoutException.class, () -> pair.client().write(ascii("again")));
  }

  @Test
  void idleTimeoutAbortsAQuietConnection() throws Exception {
    ConnectionPair pair = pair(ConnectionOptions.builder().idleTimeout(Duration.ofMillis(200)).build());
    ConnectionTimeoutException e =
        assertThrows(ConnectionTimeoutException.class, () -> pair.server().read(ByteBuffer.allocate(4)));
    assertEquals(Kind.IDLE, e.kind());
    assertFalse(pair.server().isOpen());
  }

  @Test
  void trafficKeepsTheIdleTimeoutFromFiring() throws Exception {
    ConnectionPair pair = pair(ConnectionOptions.builder().idleTimeout(Duration.ofMillis(300)).build());
    for (int i = 0; i < 8; i++) {
      pair.client().write(ascii("."));
      readExactly(pair.server(), 1);
      Thread.sleep(100);
    }
    assertTrue(pair.server().isOpen());
    assertTrue(pair.client().isOpen());
  }

  @Test
  void streamViewsReadAndWrite() throws Exception {
    ConnectionPair pair = pair();
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

  @Test
  void addressesAreReported() throws Exception {
    ConnectionPair pair = pair();
    assertNotNull(pair.client().localAddress());
    assertNotNull(pair.client().remoteAddress());
    assertEquals(pair.client().remoteAddress(), pair.server().localAddress());
    assertTrue(pair.client().toString().contains(String.valueOf(pair.client().remoteAddress())));
  }
}
