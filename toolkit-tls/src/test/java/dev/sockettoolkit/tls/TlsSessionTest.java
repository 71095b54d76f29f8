package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionClosedException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Session-level behaviour: resumption and TLS 1.2 closing. */
class TlsSessionTest {

  @Test
  void aReconnectingTls12ClientResumesItsSession() throws Exception {
    TlsConfig client = TestPki.client().protocols("TLSv1.2").build();
    TlsConfig server = TestPki.server().build();
    byte[] first;
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, client, "localhost", server)) {
      tls.handshake();
      first = tls.client.sslSessionId();
    }
    // The client caches sessions by host and port; each Transports.TCP pair has a new server
    // port, so reuse the same port by connecting twice to one server.
    try (dev.sockettoolkit.core.Server tcp =
        dev.sockettoolkit.core.Server.builder()
            .bind("127.0.0.1", 0)
            .handler(TlsConnection.serverHandler(server, conn -> conn.write(ascii("k"))))
            .start()) {
      byte[][] ids = new byte[2][];
      for (int i = 0; i < 2; i++) {
        try (TlsConnection tls =
            TlsConnection.client(dev.sockettoolkit.core.Client.connect("127.0.0.1:" + tcp.port()), client, "localhost")) {
          assertArrayEquals(new byte[] {'k'}, readExactly(tls, 1));
          ids[i] = tls.sslSessionId();
        }
      }
      assertArrayEquals(ids[0], ids[1], "second connection resumed the first session");
    }
    assertEquals(32, first.length);
  }

  @Test
  void tls12ShutdownOutputEndsTheSessionAndThePeerReadsEndOfStream() throws Exception {
    TlsConfig client = TestPki.client().protocols("TLSv1.2").build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", TestPki.server().build())) {
      tls.handshake();
      tls.client.write(ascii("last"));
      tls.client.shutdownOutput();
      assertArrayEquals("last".getBytes(), readExactly(tls.server, 4));
      assertEquals(-1, tls.server.read(ByteBuffer.allocate(4)));
      // TLS 1.2 has no half-close: the JDK answers close_notify with its own and ends the session.
      assertThrows(ConnectionClosedException.class, () -> tls.server.write(ascii("reply")));
    }
  }

  @Test
  void aReconnectingTls13ClientResumesItsSession() throws Exception {
    // A resumed TLS 1.3 handshake skips the server's certificate: its first flight shrinks.
    TlsConfig client = TestPki.client().build();
    TlsConfig server = TestPki.server().build();
    java.util.List<Long> serverHandshakeBytes = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (dev.sockettoolkit.core.Server tcp =
        dev.sockettoolkit.core.Server.builder()
            .bind("127.0.0.1", 0)
            .handler(
                connection -> {
                  RecordCountingConnection counting = new RecordCountingConnection(connection, n -> true);
                  try (TlsConnection tls = TlsConnection.server(counting, server)) {
                    tls.handshake();
                    serverHandshakeBytes.add(counting.bytes.get());
                    tls.write(ascii("k"));
                    readExactly(tls, 1);
                  }
                })
            .start()) {
      for (int i = 0; i < 2; i++) {
        try (TlsConnection tls =
            TlsConnection.client(dev.sockettoolkit.core.Client.connect("127.0.0.1:" + tcp.port()), client, "localhost")) {
          // Reading lets the client take in the NewSessionTicket that follows the handshake.
          assertArrayEquals(new byte[] {'k'}, readExactly(tls, 1));
          tls.write(ascii("x"));
        }
      }
    }
    assertEquals(2, serverHandshakeBytes.size());
    assertTrue(serverHandshakeBytes.get(1) < serverHandshakeBytes.get(0) - 200,
        "resumed handshake is smaller: " + serverHandshakeBytes);
    System.out.println("server handshake bytes, full then resumed: " + serverHandshakeBytes);
  }
}
