package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.readExactly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Handshake outcomes: versions, trust, names, client certificates, SNI, ALPN, pins, timeouts. */
class TlsHandshakeTest {

  private static TlsHandshakeException clientFails(Transports transport, TlsConfig client, String name, TlsConfig server)
      throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(transport, client, name, server).startServer()) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, tls.client::handshake);
      tls.serverFailure();
      return e;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void negotiatesEachProtocolVersion(String protocol) throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, TestPki.client().build(), "localhost", TestPki.server().protocols(protocol).build())) {
      tls.handshake();
      assertEquals(protocol, tls.client.session().protocol());
      assertEquals(protocol, tls.server.session().protocol());
      assertTrue(TlsConfig.DEFAULT_CIPHER_SUITES.contains(tls.client.session().cipherSuite()));
    }
  }

  @Test
  void protocolVersionMismatchIsNamed() throws Exception {
    TlsHandshakeException e =
        clientFails(Transports.IN_MEMORY, TestPki.client().protocols("TLSv1.2").build(), "localhost",
            TestPki.server().protocols("TLSv1.3").build());
    assertEquals(Reason.PROTOCOL_VERSION, e.reason(), e.getMessage());
  }

  @Test
  void refusesProtocolsOlderThanTls12() {
    assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().protocols("TLSv1.1"));
    assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().cipherSuites("TLS_RSA_WITH_AES_128_CBC_SHA"));
  }

  @ParameterizedTest
  @EnumSource(Transports.class)
  void unknownCaIsNamed(Transports transport) throws Exception {
    TlsConfig client = TlsConfig.client().trust(TestPki.OTHER_CA.trustMaterial()).build();
    TlsHandshakeException e = clientFails(transport, client, "localhost", TestPki.server().build());
    assertEquals(Reason.UNKNOWN_CA, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("trust"), e.getMessage());
  }

  @Test
  void hostnameMismatchIsNamed() throws Exception {
    TlsHandshakeException e =
        clientFails(Transports.TCP, TestPki.client().build(), "wrong.example", TestPki.server().build());
    assertEquals(Reason.HOSTNAME_MISMATCH, e.reason(), e.getMessage());
  }

  @Test
  void ipLiteralIsCheckedAgainstIpSans() throws Exception {
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, TestPki.client().build(), "127.0.0.1", TestPki.server().build())) {
      tls.handshake();
      assertTrue(tls.server.session().requestedServerName().isEmpty(), "no SNI for an IP literal");
    }
    TlsHandshakeException e =
        clientFails(Transports.TCP, TestPki.client().build(), "127.0.0.2", TestPki.server().build());
    assertEquals(Reason.HOSTNAME_MISMATCH, e.reason(), e.getMessage());
  }

  @Test
  void hostnameVerificationCanBeTurnedOff() throws Exception {
    TlsConfig client = TestPki.client().hostnameVerification(false).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "wrong.example", TestPki.server().build())) {
      tls.handshake();
    }
  }

  @Test
  void expiredCertificateIsNamed() throws Exception {
    TlsConfig server = TlsConfig.server(TestPki.EXPIRED.keyMaterial()).build();
    TlsHandshakeException e = clientFails(Transports.IN_MEMORY, TestPki.client().build(), "localhost", server);
    assertEquals(Reason.CERTIFICATE_EXPIRED, e.reason(), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void mutualTlsAccepted(String protocol) throws Exception {
    TlsConfig server = TestPki.server().protocols(protocol).clientAuth(ClientAuth.REQUIRED).trust(TestPki.CA.trustMaterial()).build();
    TlsConfig client = TestPki.client().keyMaterial(TestPki.CLIENT.keyMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.TCP, client, "localhost", server)) {
      tls.handshake();
      assertEquals("CN=test-client", tls.server.session().peerPrincipal().orElseThrow().getName());
      tls.client.write(ascii("hi"));
      assertArrayEquals(new byte[] {'h', 'i'}, readExactly(tls.server, 2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void mutualTlsRefusesAClientWithoutCertificate(String protocol) throws Exception {
    TlsConfig server = TestPki.server().protocols(protocol).clientAuth(ClientAuth.REQUIRED).trust(TestPki.CA.trustMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", server).startServer()) {
      // Under TLS 1.3 the client finishes first and learns of the refusal on its first read.
      // The server may hang up while the client still writes; then the client sees a reset and
      // the alert is lost with it, as over TCP. The server's verdict is always precise.
      java.io.IOException clientSide =
          assertThrows(
              java.io.IOException.class,
              () -> {
                tls.client.handshake();
                tls.client.read(ByteBuffer.allocate(1));
              });
      if (clientSide instanceof TlsHandshakeException) {
        Reason reason = ((TlsHandshakeException) clientSide).reason();
        assertTrue(reason == Reason.CLIENT_CERTIFICATE_REQUIRED || reason == Reason.PEER_REJECTED_CERTIFICATE, clientSide.getMessage());
      }
      TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, tls.serverFailure());
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, s.reason(), s.getMessage());
    }
  }

  @Test
  void mutualTlsRefusesAClientFromAnotherCa() throws Exception {
    TlsConfig server = TestPki.server().clientAuth(ClientAuth.REQUIRED).trust(TestPki.CA.trustMaterial()).build();
    TlsConfig client = TestPki.client().keyMaterial(TestPki.OTHER_CLIENT.keyMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", server).startServer()) {
      try {
        tls.client.handshake();
        tls.client.read(ByteBuffer.allocate(1));
      } catch (TlsHandshakeException expected) {
        assertEquals(Reason.PEER_REJECTED_CERTIFICATE, expected.reason(), expected.getMessage());
      }
      TlsHandshakeException s = assertInstanceOf(TlsHandshakeException.class, tls.serverFailure());
      assertEquals(Reason.UNKNOWN_CA, s.reason(), s.getMessage());
    }
  }

  @Test
  void optionalClientAuthAcceptsBoth() throws Exception {
    TlsConfig server = TestPki.server().clientAuth(ClientAuth.OPTIONAL).trust(TestPki.CA.trustMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", server)) {
      tls.handshake();
      assertTrue(tls.server.session().peerPrincipal().isEmpty());
    }
    TlsConfig client = TestPki.client().keyMaterial(TestPki.CLIENT.keyMaterial()).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, "localhost", server)) {
      tls.handshake();
      assertEquals("CN=test-client", tls.server.session().peerPrincipal().orElseThrow().getName());
    }
  }

  @Test
  void sniSelectsTheCertificate() throws Exception {
    IssuedCertificate api = TestPki.CA.issue().dns("api.test").keyType(KeyType.RSA_2048).issue();
    IssuedCertificate wild = TestPki.CA.issue().dns("*.apps.test").keyType(KeyType.ED25519).issue();
    TlsConfig server =
        TestPki.server().sniKeyMaterial("api.test", api.keyMaterial()).sniKeyMaterial("*.apps.test", wild.keyMaterial()).build();
    for (String[] expectation :
        new String[][] {{"api.test", "CN=api.test"}, {"one.apps.test", "CN=*.apps.test"}, {"localhost", "CN=localhost"}}) {
      TlsConfig client = TestPki.client().hostnameVerification(!expectation[0].equals("nothing")).build();
      try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, client, expectation[0], server)) {
        tls.handshake();
        assertEquals(expectation[1], tls.client.session().peerPrincipal().orElseThrow().getName());
        assertEquals(expectation[0], tls.server.session().requestedServerName().orElseThrow());
      }
    }
  }

  @Test
  void alpnAgreesOnTheServersFirstChoice() throws Exception {
    TlsConfig server = TestPki.server().alpn("h2", "x/1").build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().alpn("x/1", "h2").build(), "localhost", server)) {
      tls.handshake();
      assertEquals("h2", tls.client.session().applicationProtocol());
      assertEquals("h2", tls.server.session().applicationProtocol());
    }
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().build(), "localhost", server)) {
      tls.handshake();
      assertEquals("", tls.client.session().applicationProtocol());
    }
    TlsHandshakeException e =
        clientFails(Transports.IN_MEMORY, TestPki.client().alpn("nope").build(), "localhost", server);
    assertEquals(Reason.NO_APPLICATION_PROTOCOL, e.reason(), e.getMessage());
  }

  @Test
  void pinsAcceptTheLeafOrCaKeyAndRejectOthers() throws Exception {
    String leafPin = TestPki.SERVER.publicKeySha256();
    String caPinHex = hex(Certificates.spkiSha256Bytes(TestPki.CA.certificate()));
    for (String pin : new String[] {leafPin, "sha256/" + leafPin, caPinHex}) {
      try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, TestPki.client().pinSha256(pin).build(), "localhost", TestPki.server().build())) {
        tls.handshake();
      }
    }
    TlsConfig wrongPin = TestPki.client().pinSha256(TestPki.CLIENT.publicKeySha256()).build();
    TlsHandshakeException e = clientFails(Transports.IN_MEMORY, wrongPin, "localhost", TestPki.server().build());
    assertEquals(Reason.PIN_MISMATCH, e.reason(), e.getMessage());
    TlsConfig pinOnly = TlsConfig.client().trust(TrustMaterial.insecureTrustAll()).pinSha256(leafPin).build();
    try (TlsPeers.Tls tls = TlsPeers.open(Transports.IN_MEMORY, pinOnly, "anything", TestPki.server().build())) {
      tls.handshake();
    }
    assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().pinSha256("not a pin"));
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(text.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xff));
    }
    return text.toString();
  }

  @ParameterizedTest
  @EnumSource(value = Transports.class, names = {"IN_MEMORY", "TCP"})
  void clientHandshakeTimesOutOnASilentServer(Transports transport) throws Exception {
    TlsConfig client = TestPki.client().handshakeTimeout(Duration.ofMillis(300)).build();
    try (Transports.Pair pair = transport.open()) {
      TlsConnection tls = TlsConnection.client(pair.client, client, "localhost");
      long start = System.nanoTime();
      ConnectionTimeoutException e = assertThrows(ConnectionTimeoutException.class, tls::handshake);
      assertEquals(ConnectionTimeoutException.Kind.HANDSHAKE, e.kind());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
      assertThrows(java.io.IOException.class, () -> tls.write(ascii("x")));
    }
  }

  @Test
  void serverHandshakeTimesOutOnASilentClient() throws Exception {
    TlsConfig server = TestPki.server().handshakeTimeout(Duration.ofMillis(300)).build();
    try (Transports.Pair pair = Transports.TCP.open()) {
      TlsConnection tls = TlsConnection.server(pair.server, server);
      ConnectionTimeoutException e = assertThrows(ConnectionTimeoutException.class, tls::handshake);
      assertEquals(ConnectionTimeoutException.Kind.HANDSHAKE, e.kind());
    }
  }

  @Test
  void sessionIsUnavailableBeforeTheHandshake() throws Exception {
    try (Transports.Pair pair = Transports.IN_MEMORY.open()) {
      TlsConnection tls = TlsConnection.client(pair.client, TestPki.client().build(), "localhost");
      assertThrows(IllegalStateException.class, tls::session);
      assertThrows(IllegalArgumentException.class, () -> TlsConnection.server(pair.server, TestPki.client().build()));
    }
  }
}
