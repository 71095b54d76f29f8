package dev.sockettoolkit.core;

import static dev.sockettoolkit.core.TestSupport.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadsWithoutWaiting} on every core transport: nothing yet is 0 at once, what has arrived
 * is read, the end of the stream is -1, and a closed connection throws.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadNowTest {

  /** Reads with readNow until {@code expected} bytes came, without ever waiting in a read. */
  private static String readNowUntil(ReadsWithoutWaiting now, int expected) throws Exception {
    ByteBuffer received = ByteBuffer.allocate(expected + 16);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.position() < expected && System.nanoTime() < deadline) {
      if (now.readNow(received) == 0) {
        Thread.sleep(1);
      }
    }
    return new String(received.array(), 0, received.position(), StandardCharsets.US_ASCII);
  }

  private static void check(Connection client, Connection server) throws Exception {
    ReadsWithoutWaiting now = ReadsWithoutWaiting.of(server);
    assertNotNull(now, server + " reads without waiting");
    long start = System.nanoTime();
    assertEquals(0, now.readNow(ByteBuffer.allocate(16)), "nothing has arrived");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "readNow waited");
    assertEquals(0, now.readNow(ByteBuffer.allocate(0)), "no room");
    client.write(ascii("arrived"));
    assertEquals("arrived", readNowUntil(now, 7));
    client.shutdownOutput();
    ByteBuffer end = ByteBuffer.allocate(16);
    int n = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (n == 0 && System.nanoTime() < deadline) {
      n = now.readNow(end);
      if (n == 0) {
        // A socket does not announce its end to FIONREAD: a plain read finds it at once.
        n = server.read(end, Duration.ofSeconds(5));
      }
    }
    assertEquals(-1, n);
    server.close();
    assertThrows(ConnectionClosedException.class, () -> now.readNow(ByteBuffer.allocate(16)));
  }

  @Test
  void inMemory() throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      check(pair.client(), pair.server());
    }
  }

  @Test
  void tcp() throws Exception {
    checkOverServer(Server.builder().bind("127.0.0.1", 0), null);
  }

  @Test
  void unixDomainSocket(@TempDir Path directory) throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("now.sock"));
    checkOverServer(Server.builder().bind(address), address);
  }

  private static void checkOverServer(Server.Builder builder, SocketAddress unix) throws Exception {
    BlockingQueue<Throwable> outcome = new ArrayBlockingQueue<>(1);
    ArrayBlockingQueue<Connection> accepted = new ArrayBlockingQueue<>(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    try (Server server =
        builder
            .handler(
                connection -> {
                  accepted.add(connection);
                  done.await(); // the test drives the accepted connection from its own thread
                })
            .start()) {
      try (Connection client =
          unix == null
              ? Client.connect("127.0.0.1:" + server.port())
              : Client.connect(unix, ConnectionOptions.defaults())) {
        Connection serverSide = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(serverSide, "accepted");
        try {
          check(client, serverSide);
        } catch (Throwable t) {
          outcome.add(t);
        } finally {
          done.countDown();
        }
      }
    }
    Throwable failure = outcome.poll();
    if (failure != null) {
      throw new AssertionError(failure);
    }
  }

  @Test
  void aConnectionOfAnotherKindCannot() {
    Connection other =
        new Connection() {
          @Override
          public int read(ByteBuffer dst) {
            return -1;
          }

          @Override
          public int read(ByteBuffer dst, Duration timeout) {
            return -1;
          }

          @Override
          public void write(ByteBuffer... srcs) {}

          @Override
          public void shutdownOutput() {}

          @Override
          public void close() {}

          @Override
          public void abort() {}

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public SocketAddress localAddress() {
            return null;
          }

          @Override
          public SocketAddress remoteAddress() {
            return null;
          }
        };
    assertNull(ReadsWithoutWaiting.of(other));
  }
}
