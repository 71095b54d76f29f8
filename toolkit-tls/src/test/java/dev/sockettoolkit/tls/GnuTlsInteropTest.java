package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with GnuTLS ({@code gnutls-serv}, {@code gnutls-cli}, Debian package
 * gnutls-bin), both directions, with keys, certificates and CRLs the toolkit wrote. Skipped,
 * loudly, when GnuTLS is not installed. ({@code gnutls-serv} has no option to bind one address:
 * it listens on every interface, on a free port, for the length of one test.)
 */
class GnuTlsInteropTest {
  private static final String TLS13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
  private static final String TLS12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
  private static final String TLS11 = "NORMAL:-VERS-ALL:+VERS-TLS1.1";
  private static final String SHA1_ONLY =
      "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA1:%VERIFY_ALLOW_SIGN_WITH_SHA1";

  @TempDir static Path dir;
  static Interop.Pki pki;

  @BeforeAll
  static void writePki() throws Exception {
    Peers.gnutls("gnutls-cli");
    Peers.gnutls("gnutls-serv");
    pki = new Interop.Pki(dir);
  }

  static String priority(String protocol) {
    return protocol.equals("TLSv1.3") ? TLS13 : TLS12;
  }

  static List<Arguments> keyTypesAndProtocols() {
    List<Arguments> arguments = new ArrayList<>();
    for (KeyType type : KeyType.values()) {
      arguments.add(Arguments.of(type, "TLSv1.3"));
      arguments.add(Arguments.of(type, "TLSv1.2"));
    }
    return arguments;
  }

  // ---- our client, gnutls-serv ----

  /** Starts gnutls-serv as an echo server with {@code extra} options. */
  static Peers.Running gnutlsServer(int port, KeyType keyType, String priority, String... extra) throws Exception {
    List<String> command = Peers.list(Peers.gnutls("gnutls-serv"), "--echo", "-p", String.valueOf(port),
        "--x509certfile", Interop.Pki.serverChain(keyType), "--x509keyfile", Interop.Pki.serverKey(keyType),
        "--priority", priority);
    command.addAll(List.of(extra));
    Peers.Running server = Peers.start(dir, command.toArray(new String[0]));
    Interop.awaitReady(server, "listening on");
    return server;
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("keyTypesAndProtocols")
  void ourClientTalksToGnuTlsServerLoadingOurKey(KeyType keyType, String protocol) throws Exception {
    int port = Interop.freePort();
    try (Peers.Running server = gnutlsServer(port, keyType, priority(protocol))) {
      String[] result = Interop.talk(port, TlsConfig.client().trust(pki.trust()).build(), "hello gnutls");
      assertEquals(protocol, result[0]);
      assertEquals("hello gnutls", result[1], server.output());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ourClientDoesMutualTlsWithGnuTlsServer(String protocol) throws Exception {
    int port = Interop.freePort();
    try (Peers.Running server =
        gnutlsServer(port, KeyType.EC_P256, priority(protocol), "--require-client-cert", "--x509cafile", "ca.pem",
            "--x509crlfile", "crl.pem")) {
      TlsConfig withCertificate = TlsConfig.client().trust(pki.trust()).keyMaterial(pki.client.keyMaterial()).build();
      assertEquals("mutual", Interop.talk(port, withCertificate, "mutual")[1]);
      assertTrue(server.awaitOutput("interop-client", Duration.ofSeconds(5)), server.output());

      // Refused: no certificate. Under TLS 1.3 the verdict comes after our handshake finished.
      TlsHandshakeException none =
          assertThrows(TlsHandshakeException.class, () -> Interop.talk(port, TlsConfig.client().trust(pki.trust()).build(), "x"));
      // Under TLS 1.2 GnuTLS answers the empty Certificate message with decode_error, which names
      // no certificate problem; the client knows it was asked for one and sent none.
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, none.reason(), none.getMessage());
      // (gnutls-serv only prints its verdict on a client certificate and goes on, so it cannot
      // show a revoked client refused; our server refusing gnutls-cli's revoked client does.)
    }
  }

  @Test
  void ourClientRefusesATls11GnuTlsServer() throws Exception {
    int port = Interop.freePort();
    try (Peers.Running server = gnutlsServer(port, KeyType.EC_P256, TLS11)) {
      TlsHandshakeException e =
          assertThrows(TlsHandshakeException.class, () -> Interop.talk(port, TlsConfig.client().trust(pki.trust()).build(), "x"));
      // GnuTLS answers a ClientHello without TLS 1.1 with handshake_failure, not protocol_version.
      assertTrue(e.reason() == Reason.PROTOCOL_VERSION || e.reason() == Reason.NO_COMMON_PARAMETERS,
          e.getMessage() + "\n" + server.output());
    }
  }

  @Test
  void ourClientRefusesAGnuTlsServerThatSignsOnlyWithSha1() throws Exception {
    int port = Interop.freePort();
    try (Peers.Running server = gnutlsServer(port, KeyType.RSA_2048, SHA1_ONLY)) {
      TlsHandshakeException e =
          assertThrows(TlsHandshakeException.class, () -> Interop.talk(port, TlsConfig.client().trust(pki.trust()).build(), "x"));
      assertTrue(e.reason() == Reason.NO_COMMON_PARAMETERS || e.reason() == Reason.NO_COMMON_SIGNATURE_SCHEME,
          e.getMessage() + "\n" + server.output());
    }
  }

  // ---- gnutls-cli, our server ----

  /**
   * Runs gnutls-cli against our server: sends a line, waits for the reply (or the end), returns
   * everything it printed.
   */
  static Peers.Result gnutlsClient(int port, String priority, String... extra) throws Exception {
    List<String> command = Peers.list(Peers.gnutls("gnutls-cli"), "--x509cafile", "ca.pem", "--verify-hostname", "localhost",
        "-p", String.valueOf(port), "--priority", priority);
    command.addAll(List.of(extra));
    command.add("127.0.0.1");
    try (Peers.Running client = Peers.start(dir, command.toArray(new String[0]))) {
      try {
        client.write("ping\n");
      } catch (java.io.IOException e) {
        // gnutls-cli already gave up (a refused handshake): its output says why
      }
      long deadline = System.nanoTime() + Interop.PEER_TIMEOUT.toNanos();
      while (client.process.isAlive() && !client.output().contains("REPLY") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      client.process.getOutputStream().close();
      int exit = client.awaitExit(Duration.ofSeconds(20));
      return new Peers.Result(exit, client.output());
    }
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("keyTypesAndProtocols")
  void gnuTlsClientTalksToOurServer(KeyType keyType, String protocol) throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(keyType).keyMaterial()).build())) {
      Peers.Result result = gnutlsClient(server.port(), priority(protocol));
      assertTrue(result.output().contains("REPLY " + protocol + " peer=-"), result.output());
      server.nextSuccess();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void gnuTlsClientDoesMutualTlsWithOurServerWhichRefusesTheRevokedAndTheCertificateless(String protocol) throws Exception {
    TlsConfig config =
        TlsConfig.server(pki.servers.get(KeyType.EC_P256).keyMaterial())
            .clientAuth(ClientAuth.REQUIRED).trust(pki.trust()).crl(dir.resolve("crl.pem")).build();
    try (Interop.OurServer server = new Interop.OurServer(config)) {
      Peers.Result accepted = gnutlsClient(server.port(), priority(protocol), "--x509certfile", "client.pem", "--x509keyfile", "client-key.pem");
      assertTrue(accepted.output().contains("REPLY " + protocol + " peer=CN=interop-client"), accepted.output());
      server.nextSuccess();

      Peers.Result none = gnutlsClient(server.port(), priority(protocol));
      assertFalse(none.output().contains("REPLY"), none.output());
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, server.nextFailure().reason());

      Peers.Result revoked = gnutlsClient(server.port(), priority(protocol), "--x509certfile", "revoked.pem", "--x509keyfile", "revoked-key.pem");
      assertFalse(revoked.output().contains("REPLY"), revoked.output());
      TlsHandshakeException e = server.nextFailure();
      assertEquals(Reason.CERTIFICATE_REVOKED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("serial " + RevocationLists.serial(pki.revoked.certificate().getSerialNumber())), e.getMessage());
    }
  }

  @Test
  void ourServerRefusesTls11FromGnuTlsClient() throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(KeyType.EC_P256).keyMaterial()).build())) {
      Peers.Result result = gnutlsClient(server.port(), TLS11);
      assertFalse(result.output().contains("REPLY"), result.output());
      assertEquals(Reason.PROTOCOL_VERSION, server.nextFailure().reason());
    }
  }

  @Test
  void ourServerRefusesAGnuTlsClientThatOffersOnlySha1Signatures() throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(KeyType.RSA_2048).keyMaterial()).build())) {
      Peers.Result result = gnutlsClient(server.port(), SHA1_ONLY);
      assertFalse(result.output().contains("REPLY"), result.output());
      TlsHandshakeException e = server.nextFailure();
      assertEquals(Reason.NO_COMMON_SIGNATURE_SCHEME, e.reason(), e.getMessage() + "\n" + result.output());
    }
  }
}
