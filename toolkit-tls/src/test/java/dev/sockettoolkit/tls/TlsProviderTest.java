package dev.sockettoolkit.tls;

import static dev.sockettoolkit.tls.TlsPeers.ascii;
import static dev.sockettoolkit.tls.TlsPeers.handshakeBoth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The toolkit's TLS guarantees on every supported JSSE provider (the JDK's, Conscrypt, Bouncy
 * Castle JSSE), each against itself and against the JDK's in both roles: both protocol versions,
 * the cipher suite policy, mutual TLS accepted and refused with the right reason, hostname
 * verification, an untrusted CA, ALPN, and close_notify.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsProviderTest {
  private static final List<String> PROVIDERS = List.of("jdk", "conscrypt", "bc");

  /** The provider named, or a loud skip when Conscrypt's native library does not exist here. */
  static Provider provider(String name) {
    try {
      return TlsProviders.named(name);
    } catch (IllegalStateException e) {
      if (name.equals("conscrypt") && e.getMessage().contains("cannot be loaded on this platform")) {
        System.err.println("SKIPPED (loudly): " + e.getMessage());
        Assumptions.abort(e.getMessage());
      }
      throw e;
    }
  }

  static <B extends TlsConfig.Builder<B>> B on(B builder, String provider) {
    Provider p = provider(provider);
    return p == null ? builder.provider("jdk") : builder.provider(p);
  }

  /** Every (client provider, server provider) pair where at least one side is not the JDK's, plus jdk-jdk. */
  static Stream<Arguments> pairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (String client : PROVIDERS) {
      for (String server : PROVIDERS) {
        if (client.equals(server) || client.equals("jdk") || server.equals("jdk")) {
          pairs.add(Arguments.of(client, server));
        }
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void tls13AndTls12HandshakeAndCarryData(String clientProvider, String serverProvider) throws Exception {
    for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
      if (protocol.equals("TLSv1.2") && (clientProvider.equals("conscrypt") || serverProvider.equals("conscrypt"))) {
        // Conscrypt cannot refuse SHA-1 under TLS 1.2: the builder refuses the combination.
        if (clientProvider.equals("conscrypt")) {
          assertThrows(
              IllegalStateException.class, () -> on(TestPki.client(), "conscrypt").protocols(protocol).build());
        } else {
          assertThrows(
              IllegalStateException.class, () -> on(TestPki.server(), "conscrypt").protocols(protocol).build());
        }
        continue;
      }
      TlsConfig server = on(TestPki.server(), serverProvider).protocols(protocol).build();
      TlsConfig client = on(TestPki.client(), clientProvider).protocols(protocol).alpn("chat/1").build();
      TlsConfig serverWithAlpn =
          on(TestPki.server(), serverProvider).protocols(protocol).alpn("chat/1").build();
      for (TlsConfig serverConfig : List.of(server, serverWithAlpn)) {
        try (ConnectionPair pair = ConnectionPair.inMemory()) {
          TlsConnection c = TlsConnection.client(pair.client(), client, "localhost");
          TlsConnection s = TlsConnection.server(pair.server(), serverConfig);
          Throwable serverFailure = handshakeBoth(c, s);
          assertEquals(null, serverFailure);
          assertEquals(protocol, c.session().protocol());
          assertEquals(protocol, s.session().protocol());
          assertTrue(
              TlsConfig.DEFAULT_CIPHER_SUITES.contains(c.session().cipherSuite()),
              c.session().cipherSuite() + " is outside the policy");
          if (serverConfig == serverWithAlpn) {
            assertEquals("chat/1", c.session().applicationProtocol());
            assertEquals("chat/1", s.session().applicationProtocol());
          }
          c.write(ascii("ping from " + clientProvider));
          assertEquals(
              "ping from " + clientProvider,
              new String(TlsPeers.readExactly(s, 10 + clientProvider.length()), StandardCharsets.US_ASCII));
          s.write(ascii("pong"));
          assertEquals("pong", new String(TlsPeers.readExactly(c, 4), StandardCharsets.US_ASCII));
          // close_notify: the peer reads a clean end of stream, not a truncation.
          c.close();
          assertEquals(-1, s.read(ByteBuffer.allocate(16)));
          s.close();
        }
      }
    }
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void mutualTlsAcceptsTheRightCertificateAndRefusesAMissingOne(String clientProvider, String serverProvider)
      throws Exception {
    TlsConfig server =
        on(TestPki.server(), serverProvider)
            .trust(TestPki.CA.trustMaterial())
            .clientAuth(ClientAuth.REQUIRED)
            .build();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConfig client =
          on(TestPki.client(), clientProvider).keyMaterial(TestPki.CLIENT.keyMaterial()).build();
      TlsConnection c = TlsConnection.client(pair.client(), client, "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), server);
      assertEquals(null, handshakeBoth(c, s));
      assertTrue(s.session().peerCertificates().get(0).getSubjectX500Principal().getName().contains("test-client"));
    }
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c =
          TlsConnection.client(pair.client(), on(TestPki.client(), clientProvider).build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), server);
      Throwable serverFailure;
      try {
        serverFailure = handshakeBoth(c, s);
        // TLS 1.3: the client finished first; the refusal reaches it on its next read.
        c.read(ByteBuffer.allocate(16));
      } catch (TlsHandshakeException expected) {
        serverFailure = null;
      } catch (java.io.IOException expected) {
        serverFailure = null;
      }
      Throwable refused = serverFailure;
      if (refused == null) {
        refused = TlsPeers.async(() -> {
              s.handshake();
              return null;
            })
            .handle((ok, t) -> t)
            .get(20, TimeUnit.SECONDS);
      }
      assertNotNull(refused, "the server must refuse a client without a certificate");
      while (refused.getCause() != null && !(refused instanceof TlsHandshakeException)) {
        refused = refused.getCause();
      }
      TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class, refused);
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, e.reason(), e.getMessage());
    }
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void aClientRefusesTheWrongHostAndAnUntrustedCa(String clientProvider, String serverProvider)
      throws Exception {
    TlsConfig server = on(TestPki.server(), serverProvider).build();
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c =
          TlsConnection.client(pair.client(), on(TestPki.client(), clientProvider).build(), "example.org");
      TlsConnection s = TlsConnection.server(pair.server(), server);
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> handshakeBoth(c, s));
      assertEquals(Reason.HOSTNAME_MISMATCH, e.reason(), e.getMessage());
    }
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConfig stranger =
          on(TlsConfig.client(), clientProvider).trust(TestPki.OTHER_CA.trustMaterial()).build();
      TlsConnection c = TlsConnection.client(pair.client(), stranger, "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), server);
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> handshakeBoth(c, s));
      assertEquals(Reason.UNKNOWN_CA, e.reason(), e.getMessage());
    }
  }

  /**
   * Regression: Conscrypt unwraps several records at once and reports BUFFER_OVERFLOW (or CLOSED,
   * with the last data) while it produced bytes and holds more; the reader lost those bytes.
   */
  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void everyByteWrittenBeforeCloseArrivesThroughSmallReads(String clientProvider, String serverProvider)
      throws Exception {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c =
          TlsConnection.client(pair.client(), on(TestPki.client(), clientProvider).build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), serverProvider).build());
      assertEquals(null, handshakeBoth(c, s));
      java.util.concurrent.CompletableFuture<byte[]> received =
          TlsPeers.async(() -> c.inputStream().readAllBytes());
      s.write(ByteBuffer.wrap(data));
      s.close();
      org.junit.jupiter.api.Assertions.assertArrayEquals(data, TlsPeers.await(received));
    }
  }

  /**
   * Conscrypt and Bouncy Castle stop reading once they sent close_notify: after shutdownOutput()
   * a read fails clearly, naming the provider, instead of a false end of stream that would hide
   * the peer's reply. The JDK's half-closes and the reply arrives.
   */
  @ParameterizedTest(name = "client {0}")
  @ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void afterShutdownOutputTheReplyArrivesOrTheReadSaysWhyNot(String clientProvider) throws Exception {
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsConnection c =
          TlsConnection.client(pair.client(), on(TestPki.client(), clientProvider).build(), "localhost");
      TlsConnection s = TlsConnection.server(pair.server(), on(TestPki.server(), "jdk").build());
      assertEquals(null, handshakeBoth(c, s));
      c.write(ascii("question"));
      c.shutdownOutput();
      assertEquals("question", new String(s.inputStream().readAllBytes(), StandardCharsets.US_ASCII));
      s.write(ascii("answer"));
      s.close();
      if (clientProvider.equals("jdk")) {
        assertEquals("answer", new String(c.inputStream().readAllBytes(), StandardCharsets.US_ASCII));
      } else {
        dev.sockettoolkit.core.ConnectionClosedException e =
            assertThrows(
                dev.sockettoolkit.core.ConnectionClosedException.class,
                () -> c.read(ByteBuffer.allocate(16)));
        assertTrue(e.getMessage().contains("cannot half-close"), e.getMessage());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"conscrypt", "bc"})
  void theConfigSaysWhichProviderItUses(String name) {
    TlsConfig config = on(TestPki.client(), name).build();
    assertEquals(provider(name).getName(), config.provider().orElseThrow().getName());
  }

  @Test
  void anUnknownProviderNameIsRefusedWithTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().provider("openssl"));
    assertTrue(e.getMessage().contains("jdk, conscrypt, bc"), e.getMessage());
  }
}
