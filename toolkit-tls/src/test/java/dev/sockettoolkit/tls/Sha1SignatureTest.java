package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHA-1 handshake signatures (RFC 9155) are refused by default, on both sides, under TLS 1.2. */
class Sha1SignatureTest {
  static final IssuedCertificate RSA_SERVER =
      TestPki.CA.issue().dns("localhost").ip("127.0.0.1").keyType(KeyType.RSA_2048).server().issue();
  @TempDir static Path dir;

  @BeforeAll
  static void writePki() throws Exception {
    TestPki.CA.writePem(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    RSA_SERVER.writePem(dir.resolve("rsa.pem"), dir.resolve("rsa-key.pem"));
  }

  @Test
  void tls12OnConscryptIsRefusedBecauseItCannotRefuseSha1() {
    TlsProviderTest.provider("conscrypt");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TlsConfig.client().provider("conscrypt").protocols("TLSv1.3", "TLSv1.2").build());
    assertTrue(e.getMessage().contains("SHA-1"), e.getMessage());
    assertEquals(List.of("TLSv1.3"), TlsConfig.client().provider("conscrypt").build().protocols());
  }

  @Test
  void sha1SchemesAreRecognised() {
    assertTrue(NoSha1Signatures.isSha1Signature("SHA1withRSA"));
    assertTrue(NoSha1Signatures.isSha1Signature("SHA1withECDSA"));
    assertTrue(NoSha1Signatures.isSha1Signature("rsa_pkcs1_sha1"));
    assertTrue(NoSha1Signatures.isSha1Signature("ecdsa_sha1"));
    assertFalse(NoSha1Signatures.isSha1Signature("SHA256withRSA"));
    assertFalse(NoSha1Signatures.isSha1Signature("rsa_pss_rsae_sha256"));
    assertFalse(NoSha1Signatures.isSha1Signature("ed25519"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "server on {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void openSslClientOfferingOnlySha1IsRefusedByOurServer(String provider) throws Exception {
    String openssl = OpenSsl.require();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    TlsConfig config = TlsProviderTest.on(TlsConfig.server(RSA_SERVER.keyMaterial()), provider).build();
    try (Server server =
        Server.builder()
            .bind("127.0.0.1", 0)
            .handler(connection -> {
              try (TlsConnection tls = TlsConnection.server(connection, config)) {
                tls.handshake();
                failure.complete(null);
              } catch (Exception e) {
                failure.complete(e);
              }
            })
            .start()) {
      Peers.Result result =
          Peers.run(dir, Duration.ofSeconds(30), openssl, "s_client", "-connect", "127.0.0.1:" + server.port(),
              "-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0", "-sigalgs", "RSA+SHA1", "-CAfile", "ca.pem");
      assertFalse(result.output().contains("Peer signing digest: SHA1"), result.output());
      Throwable t = failure.get(20, TimeUnit.SECONDS);
      assertTrue(t instanceof TlsHandshakeException, "expected a refusal, got " + t + "\n" + result.output());
      TlsHandshakeException.Reason reason = ((TlsHandshakeException) t).reason();
      switch (provider) {
        case "jdk" -> {
          assertEquals(TlsHandshakeException.Reason.NO_COMMON_SIGNATURE_SCHEME, reason);
          assertTrue(t.getMessage().contains("SHA-1"), t.getMessage());
        }
        // Bouncy Castle finds no suite it could sign for SHA-1-only peers.
        case "bc" -> assertEquals(TlsHandshakeException.Reason.NO_COMMON_PARAMETERS, reason, t.getMessage());
        // Conscrypt runs TLS 1.3 only, where SHA-1 signatures do not exist.
        default -> assertEquals(TlsHandshakeException.Reason.PROTOCOL_VERSION, reason, t.getMessage());
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "client on {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"jdk", "conscrypt", "bc"})
  void openSslServerThatSignsOnlyWithSha1IsRefusedByOurClient(String provider) throws Exception {
    String openssl = OpenSsl.require();
    int port = OpenSslInteropTest.freePort();
    try (Peers.Running server =
        Peers.start(dir, openssl, "s_server", "-accept", String.valueOf(port), "-naccept", "1", "-tls1_2",
            "-cipher", "DEFAULT:@SECLEVEL=0", "-sigalgs", "RSA+SHA1", "-client_sigalgs", "RSA+SHA1",
            "-cert", "rsa.pem", "-key", "rsa-key.pem")) {
      assertTrue(server.awaitOutput("ACCEPT", Duration.ofSeconds(15)), server.output());
      TlsConfig config =
          TlsProviderTest.on(TlsConfig.client(), provider).trust(TestPki.CA.trustMaterial()).build();
      TlsHandshakeException e =
          assertThrows(TlsHandshakeException.class, () -> {
            try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), config, "localhost")) {
              tls.write(ByteBuffer.wrap(new byte[] {'x', '\n'}));
            }
          });
      if (provider.equals("conscrypt")) {
        assertEquals(TlsHandshakeException.Reason.PROTOCOL_VERSION, e.reason(), e.getMessage());
      } else {
        assertEquals(TlsHandshakeException.Reason.NO_COMMON_PARAMETERS, e.reason(), e.getMessage());
      }
      if (provider.equals("jdk")) {
        assertTrue(e.getMessage().contains("refuses SHA-1 signatures"), e.getMessage());
      }
      if (!provider.equals("conscrypt")) { // Conscrypt never reaches signatures: TLS 1.3 only
        assertTrue(server.awaitOutput("no shared signature algorithms", Duration.ofSeconds(5)), server.output());
      }
    }
  }
}
