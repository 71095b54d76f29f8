package dev.sockettoolkit.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionOptions;
import dev.sockettoolkit.core.ConnectionResetException;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MessageChannel;
import dev.sockettoolkit.reliability.ResourceSnapshot;
import dev.sockettoolkit.tls.TlsHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * One test per attack in SECURITY.md ("Attacks tested"). Each attacks a running server, checks
 * that the attacker's connection ends the documented way within its limit, and then that a fresh,
 * honest client is served: one bad peer never takes a server down.
 */
class AttackTest {
  private static final FrameCodec<ByteBuffer> BINARY = FrameCodecs.lengthPrefix().build();
  private static final ByteBuffer HELLO = ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8));
  private static final long MIB = 1024 * 1024;

  @Test
  void giantDeclaredLengthsAreRejectedFromTheHeaderWithoutBuffering() throws Exception {
    try (AttackServer s = AttackServer.plain(BINARY, Duration.ofSeconds(30), b -> b)) {
      List<Connection> attackers = new ArrayList<>();
      ResourceSnapshot before = ResourceSnapshot.take();
      for (int i = 0; i < 50; i++) {
        Connection c = s.connectRaw();
        attackers.add(c);
        // Declares 2 GiB - 1 (the default maximum is 1 MiB), then sends 60 KB of "body".
        ByteBuffer frame = ByteBuffer.allocate(4 + 60_000).putInt(Integer.MAX_VALUE);
        writeQuietly(c, frame.flip());
      }
      for (int i = 0; i < attackers.size(); i++) {
        FrameTooLongException e = assertInstanceOf(FrameTooLongException.class, s.nextEnding(10));
        assertEquals(Integer.MAX_VALUE, e.length(), "judged from the header alone");
        assertEquals(1024 * 1024, e.limit());
      }
      ResourceSnapshot after = ResourceSnapshot.take();
      assertTrue(after.heapBytes() < before.heapBytes() + 32 * MIB, "heap: " + before.compareTo(after));
      for (Connection c : attackers) {
        assertClosedByServer(c, Duration.ofSeconds(5));
      }
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void anEndlessLineIsCutAtTheLineLimit() throws Exception {
    FrameCodec<String> lines = FrameCodecs.lines().build();
    try (AttackServer s = AttackServer.plain(lines, Duration.ofSeconds(30), b -> b)) {
      Connection c = s.connectRaw();
      byte[] chunk = new byte[16 * 1024];
      Arrays.fill(chunk, (byte) 'a');
      long written = 0;
      try {
        while (written < 256 * MIB) {
          c.write(ByteBuffer.wrap(chunk));
          written += chunk.length;
        }
      } catch (IOException cut) {
        // The server closed the connection: the rest of the "line" is refused.
      }
      assertTrue(written < 256 * MIB, "the server kept reading a 256 MiB line");
      FrameTooLongException e = assertInstanceOf(FrameTooLongException.class, s.nextEnding(10));
      assertEquals(8 * 1024, e.limit());
      c.abort();
      s.assertServesFreshClient("hello");
    }
  }

  @Test
  void aByteAtATimeHandshakeIsCutAtTheHandshakeTimeout() throws Exception {
    byte[] hello = TlsBytes.clientHello(AttackServer.CERTS.clientConfig());
    try (AttackServer s = AttackServer.tls(BINARY, Duration.ofSeconds(1))) {
      Connection c = s.connectRaw();
      long start = System.nanoTime();
      int sent = 0;
      try {
        // One byte every 50 ms: the whole hello would take over 15 s.
        while (sent < hello.length && elapsedMillis(start) < 15_000) {
          c.write(ByteBuffer.wrap(hello, sent, 1));
          sent++;
          Thread.sleep(50);
        }
        assertClosedByServer(c, Duration.ofSeconds(5));
      } catch (IOException cut) {
        // The server dropped the slow client.
      }
      long took = elapsedMillis(start);
      assertTrue(sent < hello.length, "a byte-at-a-time client finished its " + hello.length + "-byte hello");
      assertTrue(took < 5_000, "the slow handshake was cut after " + took + " ms (timeout 1 s)");
      assertSame(AttackServer.RETURNED, s.nextEnding(10), "the TLS handler logs the timeout and returns");
      assertTrue(s.logged("handshake timeout"), s.logs().toString());
      c.abort();
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void aByteAtATimeFrameIsCutByThePerMessageDeadline() throws Exception {
    // Neither the idle timeout (traffic keeps flowing) nor a per-read timeout stops a peer that
    // sends one byte just often enough; a deadline for the whole message does.
    try (AttackServer s = AttackServer.plain(BINARY, Duration.ofSeconds(1), b -> b)) {
      Connection c = s.connectRaw();
      MessageChannel<ByteBuffer> honestStart = MessageChannel.open(c, BINARY);
      honestStart.send(HELLO);
      assertEquals(HELLO, honestStart.receive(Duration.ofSeconds(10)));
      byte[] frame = encode(ByteBuffer.wrap(new byte[200]));
      long start = System.nanoTime();
      try {
        for (int i = 0; i < frame.length && elapsedMillis(start) < 15_000; i++) {
          c.write(ByteBuffer.wrap(frame, i, 1));
          Thread.sleep(100);
        }
      } catch (IOException cut) {
        // The server gave up on the message.
      }
      long took = elapsedMillis(start);
      ConnectionTimeoutException e = assertInstanceOf(ConnectionTimeoutException.class, s.nextEnding(10));
      assertEquals(ConnectionTimeoutException.Kind.READ, e.kind());
      assertTrue(took >= 900 && took < 5_000, "the slow frame was cut after " + took + " ms (deadline 1 s)");
      c.abort();
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void plaintextOnATlsPortIsRefusedAtOnce() throws Exception {
    try (AttackServer s = AttackServer.tls(BINARY, Duration.ofSeconds(10))) {
      Connection c = s.connectRaw();
      long start = System.nanoTime();
      c.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      assertClosedByServer(c, Duration.ofSeconds(5));
      long took = elapsedMillis(start);
      assertTrue(took < 2_000, "plaintext took " + took + " ms to refuse; the handshake timeout is 10 s");
      assertSame(AttackServer.RETURNED, s.nextEnding(10));
      assertTrue(s.logged("(not tls)"), s.logs().toString());
      c.abort();
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void aTlsClientThatNeverFinishesItsHandshakeIsDropped() throws Exception {
    byte[] hello = TlsBytes.clientHello(AttackServer.CERTS.clientConfig());
    try (AttackServer s = AttackServer.tls(BINARY, Duration.ofSeconds(1))) {
      Connection c = s.connectRaw();
      long start = System.nanoTime();
      c.write(ByteBuffer.wrap(hello));
      // The server answers with its flight and waits for ours, which never comes.
      long received = assertClosedByServer(c, Duration.ofSeconds(5));
      long took = elapsedMillis(start);
      assertTrue(received > 0, "the server should have answered the hello");
      assertTrue(took >= 900 && took < 5_000, "dropped after " + took + " ms (handshake timeout 1 s)");
      assertSame(AttackServer.RETURNED, s.nextEnding(10));
      assertTrue(s.logged("handshake timeout"), s.logs().toString());
      c.abort();
      s.assertServesFreshClient(HELLO);
    }
  }

  /**
   * A real TLS 1.2 renegotiation from the JDK's own client over TCP. The toolkit's TLS tests cover
   * the same refusal with a forged record (TlsLimitsTest#aHandshakeRecordAfterATls12HandshakeIsRefusedAsRenegotiation)
   * and from openssl s_client (OpenSslInteropTest#ourServerRefusesTls12RenegotiationFromOpenSslClient).
   */
  @Test
  void aTls12RenegotiationIsRefused() throws Exception {
    try (AttackServer s = AttackServer.tls(BINARY, Duration.ofSeconds(10))) {
      try (SSLSocket socket =
          (SSLSocket) TlsBytes.jdkClientContext().getSocketFactory().createSocket("127.0.0.1", s.server.port())) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] frame = encode(HELLO);
        out.write(frame);
        out.flush();
        assertEquals(frame.length, in.readNBytes(frame.length).length, "the echo before renegotiating");
        boolean refused;
        try {
          socket.startHandshake(); // TLS 1.2: a new ClientHello on the established connection
          refused = in.read() == -1;
        } catch (IOException e) {
          refused = true;
        }
        assertTrue(refused, "the server went on after a renegotiation attempt");
      }
      TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class, s.nextEnding(10));
      assertEquals(TlsHandshakeException.Reason.RENEGOTIATION_REFUSED, e.reason(), e.getMessage());
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreResetAtOnce() throws Exception {
    int max = 20;
    try (AttackServer s = AttackServer.plain(BINARY, Duration.ofSeconds(60), b -> b.maxConnections(max))) {
      List<MessageChannel<ByteBuffer>> served = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        MessageChannel<ByteBuffer> channel = MessageChannel.open(s.connectRaw(), BINARY);
        channel.send(HELLO);
        assertEquals(HELLO, channel.receive(Duration.ofSeconds(10)));
        served.add(channel);
      }
      long start = System.nanoTime();
      for (int i = 0; i < 3 * max; i++) {
        Connection c;
        try {
          c = s.connectRaw();
        } catch (IOException resetWhileConnecting) {
          continue; // the reset came before connect() returned: refused all the same
        }
        assertClosedByServer(c, Duration.ofSeconds(5));
        c.abort();
      }
      assertTrue(elapsedMillis(start) < 10_000, "the extra connections were not refused at once");
      long deadline = System.currentTimeMillis() + 5_000;
      while (s.rejected.get() < 3 * max && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(3 * max, s.rejected.get(), "every connection over the limit was reported");
      assertEquals(max, s.server.activeConnections(), "the admitted connections are still served");
      for (MessageChannel<ByteBuffer> channel : served) {
        channel.send(HELLO);
        assertEquals(HELLO, channel.receive(Duration.ofSeconds(10)));
        channel.close();
      }
      awaitNoConnections(s);
      s.assertServesFreshClient(HELLO);
    }
  }

  @Test
  void aPeerThatStopsReadingIsCutByTheWriteTimeoutWhileMemoryStaysFlat() throws Exception {
    ByteBuffer firehose = ByteBuffer.wrap("firehose".getBytes(StandardCharsets.UTF_8));
    ConnectionOptions server = ConnectionOptions.serverDefaults().toBuilder().writeTimeout(Duration.ofSeconds(2)).build();
    try (AttackServer s = AttackServer.plain(BINARY, connection -> {
          MessageChannel<ByteBuffer> channel = MessageChannel.open(connection, BINARY);
          ByteBuffer first = channel.receive(Duration.ofSeconds(10));
          if (!firehose.equals(first)) {
            for (ByteBuffer m = first; m != null; m = channel.receive(Duration.ofSeconds(10))) {
              channel.send(m); // an honest client: echo
            }
            return;
          }
          ByteBuffer big = ByteBuffer.allocate(16 * 1024);
          for (int i = 0; i < 1_000_000; i++) { // bounded: 16 GB, far more than any buffer holds
            channel.send(big);
          }
        }, b -> b.options(server))) {
      ConnectionOptions tinyWindow = ConnectionOptions.defaults().toBuilder().receiveBufferSize(4096).build();
      ResourceSnapshot before = ResourceSnapshot.take();
      List<Connection> readers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Connection c = Client.connect(s.address(), tinyWindow);
        MessageChannel.open(c, BINARY).send(firehose); // ... and never read again
        readers.add(c);
      }
      Thread.sleep(1_000); // every writer is now blocked on a full socket
      ResourceSnapshot stalled = ResourceSnapshot.take();
      for (int i = 0; i < readers.size(); i++) {
        ConnectionTimeoutException e = assertInstanceOf(ConnectionTimeoutException.class, s.nextEnding(15));
        assertEquals(ConnectionTimeoutException.Kind.WRITE, e.kind());
      }
      assertTrue(stalled.heapBytes() < before.heapBytes() + 16 * MIB,
          "heap while 20 writers were stalled: " + before.compareTo(stalled));
      for (Connection c : readers) {
        c.abort();
      }
      s.assertServesFreshClient(HELLO);
    }
  }

  /** Reads until the server ends the connection; returns the bytes it sent first. */
  private static long assertClosedByServer(Connection c, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    long received = 0;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "the server did not end the connection within " + within);
        sink.clear();
        int n = c.read(sink, Duration.ofNanos(left));
        if (n < 0) {
          return received;
        }
        received += n;
      }
    } catch (ConnectionResetException reset) {
      return received;
    } catch (ConnectionTimeoutException e) {
      throw new AssertionError("the server did not end the connection within " + within, e);
    }
  }

  /** The bytes of one encoded frame. */
  private static byte[] encode(ByteBuffer message) throws IOException {
    ByteBuffer encoded = BINARY.encodeToBuffer(message);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    return bytes;
  }

  private static void writeQuietly(Connection c, ByteBuffer bytes) {
    try {
      c.write(bytes);
    } catch (IOException closedAlready) {
      // The server may have judged the header and closed before the body was written.
    }
  }

  private static void awaitNoConnections(AttackServer s) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (s.server.activeConnections() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, s.server.activeConnections());
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
