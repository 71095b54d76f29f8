package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.async;
import static dev.sockettoolkit.tls.TlsPeers.await;
import static dev.sockettoolkit.tls.TlsPeers.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionClosedException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsConnectionTest {

  @ParameterizedTest
  @EnumSource(Transports.class)
  void handshakesAndExchangesData(Transports transport) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, TestPki.client().build(), "localhost", TestPki.server().build())) {
      CompletableFuture<byte[]> served =
          async(
              () -> {
                byte[] request = readExactly(tls.server, 5);
                tls.server.write(ascii("world"));
                return request;
              });
      tls.client.write(ascii("hello"));
      assertArrayEquals("world".getBytes(StandardCharsets.US_ASCII), readExactly(tls.client, 5));
      assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), await(served));
      assertEquals("TLSv1.3", tls.client.session().protocol());
      assertEquals("CN=localhost", tls.client.session().peerPrincipal().orElseThrow().getName());
      assertTrue(tls.client.session().peerSubjectAlternativeNames().contains("localhost"));
      assertTrue(tls.client.session().peerSubjectAlternativeNames().contains("127.0.0.1"));
      assertEquals("", tls.client.session().applicationProtocol());
      assertTrue(tls.server.session().peerCertificates().isEmpty());
      assertEquals("localhost", tls.server.session().requestedServerName().orElseThrow());
    }
  }

  @ParameterizedTest
  @EnumSource(Transports.class)
  void anIdleConnectionGivesBackItsLargeInputBuffer(Transports transport) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      byte[] burst = new byte[200_000];
      CompletableFuture<Void> sent =
          async(
              () -> {
                tls.client.write(ByteBuffer.wrap(burst));
                return null;
              });
      readExactly(tls.server, burst.length);
      await(sent);
      CompletableFuture<byte[]> blocked = async(() -> readExactly(tls.server, 1));
      Thread.sleep(300); // the reader waits at most 20 ms in the large buffer after a burst
      assertFalse(blocked.isDone());
      assertTrue(
          tls.server.inputBufferCapacity() <= TlsReader.SMALL_NET_IN,
          "an idle TLS connection holds " + tls.server.inputBufferCapacity() + " bytes of input buffers");
      tls.client.write(ascii("x"));
      assertArrayEquals(new byte[] {'x'}, await(blocked));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void bulkTransferInBothDirectionsAtOnceOverTcp(String protocol) throws Exception {
    bulk(Transports.TCP, protocol, 8 << 20);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void bulkTransferInBothDirectionsAtOnceInMemory(String protocol) throws Exception {
    bulk(Transports.IN_MEMORY, protocol, 8 << 20);
  }

  @Test
  void bulkTransferWithOneByteDelivery() throws Exception {
    bulk(Transports.ONE_BYTE, "TLSv1.3", 200_000);
  }

  private static void bulk(Transports transport, String protocol, int size) throws Exception {
    TlsConfig client = TestPki.client().protocols(protocol).build();
    try (TlsPeers.Tls tls = TlsPeers.open(transport, client, "localhost", TestPki.server().build())) {
      tls.handshake();
      assertEquals(protocol, tls.client.session().protocol());
      CompletableFuture<Long> serverSent = async(() -> send(tls.server, size, 1));
      CompletableFuture<Long> serverReceived = async(() -> receive(tls.server, size));
      CompletableFuture<Long> clientReceived = async(() -> receive(tls.client, size));
      long clientSent = send(tls.client, size, 2);
      assertEquals(clientSent, (long) await(serverReceived));
      assertEquals(await(serverSent), await(clientReceived));
    }
  }

  /** Sends {@code size} pseudo-random bytes in writes of varying sizes; returns their CRC. */
  static long send(Connection connection, int size, long seed) throws Exception {
    Random random = new Random(seed);
    CRC32 crc = new CRC32();
    int sent = 0;
    while (sent < size) {
      int n = Math.min(size - sent, 1 + random.nextInt(random.nextBoolean() ? 100 : 70_000));
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      crc.update(chunk);
      connection.write(ByteBuffer.wrap(chunk));
      sent += n;
    }
    return crc.getValue();
  }

  /** Reads exactly {@code size} bytes; returns their CRC. */
  static long receive(Connection connection, int size) throws Exception {
    CRC32 crc = new CRC32();
    ByteBuffer buffer = ByteBuffer.allocate(24 * 1024);
    int received = 0;
    while (received < size) {
      buffer.clear();
      buffer.limit(Math.min(buffer.capacity(), size - received));
      int n = connection.read(buffer);
      if (n < 0) {
        throw new java.io.EOFException("end of stream after " + received + " of " + size);
      }
      crc.update(buffer.array(), 0, n);
      received += n;
    }
    return crc.getValue();
  }

  @ParameterizedTest
  @EnumSource(Transports.class)
  void closeSendsCloseNotifyAndThePeerReadsEndOfStream(Transports transport) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      tls.server.write(ascii("bye"));
      tls.server.close();
      assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), readExactly(tls.client, 3));
      assertEquals(-1, tls.client.read(ByteBuffer.allocate(10)));
      assertEquals(-1, tls.client.read(ByteBuffer.allocate(10)));
      assertFalse(tls.server.isOpen());
      assertThrows(ConnectionClosedException.class, () -> tls.server.write(ascii("x")));
      tls.server.close(); // idempotent
    }
  }

  @ParameterizedTest
  @EnumSource(Transports.class)
  void endOfStreamWithoutCloseNotifyIsATruncation(Transports transport) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      tls.server.write(ascii("partial"));
      tls.pair.server.close(); // the transport, not TLS: no close_notify
      assertArrayEquals("partial".getBytes(StandardCharsets.US_ASCII), readExactly(tls.client, 7));
      TlsTruncationException e =
          assertThrows(TlsTruncationException.class, () -> tls.client.read(ByteBuffer.allocate(10)));
      assertTrue(e.getMessage().contains("close_notify"), e.getMessage());
      assertThrows(TlsTruncationException.class, () -> tls.client.read(ByteBuffer.allocate(10)));
    }
  }

  @ParameterizedTest
  @EnumSource(Transports.class)
  void halfCloseUnderTls13LetsThePeerAnswer(Transports transport) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      tls.client.write(ascii("question"));
      tls.client.shutdownOutput();
      assertThrows(ConnectionClosedException.class, () -> tls.client.write(ascii("more")));
      assertArrayEquals("question".getBytes(StandardCharsets.US_ASCII), readExactly(tls.server, 8));
      assertEquals(-1, tls.server.read(ByteBuffer.allocate(10)));
      tls.server.write(ascii("answer"));
      tls.server.close();
      assertArrayEquals("answer".getBytes(StandardCharsets.US_ASCII), readExactly(tls.client, 6));
      assertEquals(-1, tls.client.read(ByteBuffer.allocate(10)));
    }
  }

  @Test
  void timedReadLeavesTheConnectionUsable() throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      ConnectionTimeoutException e =
          assertThrows(
              ConnectionTimeoutException.class,
              () -> tls.client.read(ByteBuffer.allocate(10), Duration.ofMillis(100)));
      assertEquals(ConnectionTimeoutException.Kind.READ, e.kind());
      tls.server.write(ascii("late"));
      assertArrayEquals("late".getBytes(StandardCharsets.US_ASCII), readExactly(tls.client, 4));
    }
  }

  @Test
  void smallReadBuffersGetEveryByte() throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.handshake();
      byte[] data = new byte[40_000];
      new Random(7).nextBytes(data);
      CompletableFuture<Void> writer =
          async(
              () -> {
                tls.server.write(ByteBuffer.wrap(data));
                return null;
              });
      ByteBuffer out = ByteBuffer.allocate(data.length);
      ByteBuffer small = ByteBuffer.allocate(7);
      while (out.hasRemaining()) {
        small.clear();
        tls.client.read(small);
        out.put(small.flip());
      }
      await(writer);
      assertArrayEquals(data, out.array());
    }
  }

  @Test
  void handshakeRunsOnceWhenCalledFromSeveralThreads() throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, TestPki.client().build(), "localhost", TestPki.server().build())) {
      tls.startServer();
      CompletableFuture<Void> a = async(() -> { tls.client.handshake(); return null; });
      CompletableFuture<Void> b = async(() -> { tls.client.write(ascii("x")); return null; });
      await(a);
      await(b);
      assertArrayEquals(new byte[] {'x'}, readExactly(tls.server, 1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aServerThatClosesWithUnreadInputStillDeliversItsReply(String protocol) throws Exception {
    // The client sends a request and more it will never have answered, then reads the reply.
    // The server reads only the request, replies with 2 MiB and closes: without the close
    // linger, the unread input would make the OS reset the connection under the reply.
    int replySize = 2 << 20;
    TlsConfig server = TestPki.server().protocols(protocol).build();
    try (dev.sockettoolkit.core.Server tcp =
        dev.sockettoolkit.core.Server.builder()
            .bind("127.0.0.1", 0)
            .handler(
                TlsConnection.serverHandler(
                    server,
                    tls -> {
                      readExactly(tls, 5);
                      send(tls, replySize, 5);
                    }))
            .start()) {
      try (TlsConnection tls =
          TlsConnection.client(
              dev.sockettoolkit.core.Client.connect("127.0.0.1:" + tcp.port(), Transports.OPTIONS),
              TestPki.client().build(),
              "localhost")) {
        tls.write(ascii("hello"));
        tls.write(ByteBuffer.wrap(new byte[30_000]));
        assertEquals(replyCrc(replySize, 5), receive(tls, replySize));
        assertEquals(-1, tls.read(ByteBuffer.allocate(1)));
      }
    }
  }

  /** The CRC {@link #send} computes for {@code size} bytes from {@code seed}, without sending. */
  private static long replyCrc(int size, long seed) {
    CRC32 crc = new CRC32();
    Random random = new Random(seed);
    int sent = 0;
    while (sent < size) {
      int n = Math.min(size - sent, 1 + random.nextInt(random.nextBoolean() ? 100 : 70_000));
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      crc.update(chunk);
      sent += n;
    }
    return crc.getValue();
  }
}
