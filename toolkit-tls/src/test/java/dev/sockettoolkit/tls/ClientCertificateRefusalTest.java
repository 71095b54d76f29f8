package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client refused for its certificate learns why, every time: under TLS 1.3 the server's alert
 * (certificate_required, bad_certificate...) arrives after the client finished its handshake, and
 * the client's first read or write after it fails with the reason, never with "closed".
 */
class ClientCertificateRefusalTest {
  private static final int REPEATS = 30;

  /** A server requiring client certificates from TestPki.CA; its handshake failures go to a queue. */
  private static Server server(String protocol, BlockingQueue<IOException> failures) throws IOException {
    TlsConfig config =
        TestPki.server().protocols(protocol).clientAuth(ClientAuth.REQUIRED).trust(TestPki.CA.trustMaterial()).build();
    return Server.builder()
        .bind("127.0.0.1", 0)
        .handler(connection -> {
          try (TlsConnection tls = TlsConnection.server(connection, config)) {
            tls.handshake();
            tls.write(ByteBuffer.wrap(new byte[] {'!'}));
          } catch (IOException e) {
            failures.add(e);
          }
        })
        .start();
  }

  private static void assertClientCertificateRequired(IOException e) {
    TlsHandshakeException tls = assertInstanceOfHandshake(e);
    assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, tls.reason(), tls.getMessage());
    assertTrue(tls.getMessage().contains("requires a client certificate"), tls.getMessage());
    assertTrue(tls.getMessage().contains("keyMaterial(...)"), tls.getMessage());
    assertFalse(tls.getMessage().contains("close_notify"), tls.getMessage());
  }

  private static void assertCarries(IOException first, IOException later) {
    if (later != first) {
      assertSame(first, later.getCause(), later.toString());
    }
  }

  private static TlsHandshakeException assertInstanceOfHandshake(IOException e) {
    if (!(e instanceof TlsHandshakeException)) {
      throw new AssertionError("expected a TlsHandshakeException, got " + e, e);
    }
    return (TlsHandshakeException) e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aClientWithoutCertificateIsToldOnItsFirstReadEveryTime(String protocol) throws Exception {
    BlockingQueue<IOException> failures = new LinkedBlockingQueue<>();
    TlsConfig client = TestPki.client().protocols(protocol).build();
    try (Server server = server(protocol, failures)) {
      for (int i = 0; i < REPEATS; i++) {
        try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + server.port(), Transports.OPTIONS), client, "localhost")) {
          IOException first = assertThrows(IOException.class, () -> {
            tls.handshake();
            tls.read(ByteBuffer.allocate(10));
          });
          assertClientCertificateRequired(first);
          // And again: the same reason, not "closed" (after a failed TLS 1.2 handshake, a
          // ConnectionClosedException caused by it, naming it).
          assertCarries(first, assertThrows(IOException.class, () -> tls.read(ByteBuffer.allocate(10))));
          assertCarries(first, assertThrows(IOException.class, () -> tls.write(ByteBuffer.wrap(new byte[] {1}))));
        }
        IOException serverSide = failures.poll(10, TimeUnit.SECONDS);
        assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, assertInstanceOfHandshake(serverSide).reason());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 300})
  void aTls13ClientWithoutCertificateThatWritesFirstIsToldByItsNextWriteOrRead(int pauseMillis) throws Exception {
    BlockingQueue<IOException> failures = new LinkedBlockingQueue<>();
    TlsConfig client = TestPki.client().protocols("TLSv1.3").build();
    try (Server server = server("TLSv1.3", failures)) {
      for (int i = 0; i < REPEATS; i++) {
        try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + server.port(), Transports.OPTIONS), client, "localhost")) {
          tls.handshake(); // succeeds: under TLS 1.3 the server's verdict comes later
          Thread.sleep(pauseMillis);
          IOException failure;
          try {
            tls.write(ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            failure = assertThrows(IOException.class, () -> tls.read(ByteBuffer.allocate(10)));
          } catch (IOException e) {
            failure = e;
          }
          assertClientCertificateRequired(failure);
          IOException again = assertThrows(IOException.class, () -> tls.write(ByteBuffer.wrap(new byte[] {1})));
          assertClientCertificateRequired(again);
        }
        assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, assertInstanceOfHandshake(failures.poll(10, TimeUnit.SECONDS)).reason());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aClientWithACertificateFromAnotherCaIsToldItWasRejected(String protocol) throws Exception {
    BlockingQueue<IOException> failures = new LinkedBlockingQueue<>();
    TlsConfig client = TestPki.client().protocols(protocol).keyMaterial(TestPki.OTHER_CLIENT.keyMaterial()).build();
    try (Server server = server(protocol, failures)) {
      for (int i = 0; i < 5; i++) {
        try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + server.port(), Transports.OPTIONS), client, "localhost")) {
          IOException e = assertThrows(IOException.class, () -> {
            tls.handshake();
            tls.read(ByteBuffer.allocate(10), Duration.ofSeconds(10));
          });
          TlsHandshakeException refused = assertInstanceOfHandshake(e);
          assertEquals(Reason.PEER_REJECTED_CERTIFICATE, refused.reason(), refused.getMessage());
          assertTrue(refused.getMessage().contains("rejected the client certificate this client sent"), refused.getMessage());
        }
        assertEquals(Reason.UNKNOWN_CA, assertInstanceOfHandshake(failures.poll(10, TimeUnit.SECONDS)).reason());
      }
    }
  }
}
