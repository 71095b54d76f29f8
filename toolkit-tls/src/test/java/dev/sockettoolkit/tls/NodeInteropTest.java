package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with Node.js's {@code tls} module (OpenSSL inside Node), both directions, with
 * keys, certificates and CRLs the toolkit wrote. Skipped, loudly, when {@code node} is missing.
 */
class NodeInteropTest {
  /** argv: cert key ca|- requestCert(yes|no) minVersion maxVersion [extra options as JSON]. */
  private static final String SERVER_JS = """
      const tls = require('tls'); const fs = require('fs');
      const [cert, key, ca, requestCert, minVersion, maxVersion, extra] = process.argv.slice(2);
      const options = {cert: fs.readFileSync(cert), key: fs.readFileSync(key), minVersion, maxVersion};
      if (ca !== '-') options.ca = fs.readFileSync(ca);
      if (requestCert === 'yes') { options.requestCert = true; options.rejectUnauthorized = true; }
      if (extra) Object.assign(options, JSON.parse(extra));
      if (options.crl) options.crl = fs.readFileSync(options.crl);
      const server = tls.createServer(options, socket => {
        const peer = socket.getPeerCertificate();
        socket.on('error', e => console.log('SOCKET_ERROR ' + (e.code || '') + ' ' + e.message));
        socket.once('data', d => socket.end('ECHO ' + socket.getProtocol() + ' peer='
            + (peer && peer.subject ? peer.subject.CN : '-') + ' ' + d.toString()));
      });
      server.on('tlsClientError', e => console.log('CLIENT_ERROR ' + (e.code || '') + ' ' + e.message));
      server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
      """;

  /** argv: port ca cert|- key|- minVersion maxVersion [extra options as JSON]. */
  private static final String CLIENT_JS = """
      const tls = require('tls'); const fs = require('fs');
      const [port, ca, cert, key, minVersion, maxVersion, extra] = process.argv.slice(2);
      const options = {host: '127.0.0.1', port: Number(port), servername: 'localhost',
          ca: fs.readFileSync(ca), minVersion, maxVersion};
      if (cert !== '-') { options.cert = fs.readFileSync(cert); options.key = fs.readFileSync(key); }
      if (extra) Object.assign(options, JSON.parse(extra));
      const socket = tls.connect(options, () => socket.write('ping\\n'));
      let received = '';
      socket.on('data', d => received += d);
      socket.on('end', () => console.log('GOT ' + received.trim()));
      socket.on('error', e => { console.log('ERROR ' + (e.code || '') + ' ' + e.message); process.exitCode = 1; });
      setTimeout(() => { console.log('TIMEOUT'); process.exit(2); }, 20000).unref();
      """;

  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");

  @TempDir static Path dir;
  static Interop.Pki pki;

  @BeforeAll
  static void writePki() throws Exception {
    Peers.node();
    pki = new Interop.Pki(dir);
    Files.writeString(dir.resolve("server.js"), SERVER_JS);
    Files.writeString(dir.resolve("client.js"), CLIENT_JS);
  }

  static List<Arguments> keyTypesAndProtocols() {
    List<Arguments> arguments = new ArrayList<>();
    for (KeyType type : KeyType.values()) {
      arguments.add(Arguments.of(type, "TLSv1.3"));
      arguments.add(Arguments.of(type, "TLSv1.2"));
    }
    return arguments;
  }

  // ---- our client, a Node server ----

  /** A running Node TLS server and its port. */
  record NodeServer(Peers.Running process, int port) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  static NodeServer nodeServer(KeyType keyType, boolean requestCert, String minVersion, String maxVersion, String extra)
      throws Exception {
    List<String> command = Peers.list(Peers.node(), "server.js", Interop.Pki.serverChain(keyType),
        Interop.Pki.serverKey(keyType), "ca.pem", requestCert ? "yes" : "no", minVersion, maxVersion);
    if (extra != null) {
      command.add(extra);
    }
    Peers.Running process = Peers.start(dir, command.toArray(new String[0]));
    try {
      Interop.awaitReady(process, "LISTENING");
      Matcher m = LISTENING.matcher(process.output());
      assertTrue(m.find(), process.output());
      return new NodeServer(process, Integer.parseInt(m.group(1)));
    } catch (RuntimeException | Error | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("keyTypesAndProtocols")
  void ourClientTalksToNodeServerLoadingOurKey(KeyType keyType, String protocol) throws Exception {
    try (NodeServer server = nodeServer(keyType, false, protocol, protocol, null)) {
      String[] result = Interop.talk(server.port(), TlsConfig.client().trust(pki.trust()).build(), "hello node");
      assertEquals(protocol, result[0]);
      assertEquals("ECHO " + protocol + " peer=- hello node", result[1], server.process().output());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void ourClientDoesMutualTlsWithNodeServer(String protocol) throws Exception {
    try (NodeServer server = nodeServer(KeyType.EC_P256, true, protocol, protocol, "{\"crl\":\"crl.pem\"}")) {
      TlsConfig withCertificate = TlsConfig.client().trust(pki.trust()).keyMaterial(pki.client.keyMaterial()).build();
      assertEquals("ECHO " + protocol + " peer=interop-client mutual", Interop.talk(server.port(), withCertificate, "mutual")[1]);

      TlsHandshakeException none = assertThrows(TlsHandshakeException.class,
          () -> Interop.talk(server.port(), TlsConfig.client().trust(pki.trust()).build(), "x"));
      // Under TLS 1.2 OpenSSL (in Node) says handshake_failure, as for no common cipher suite; the
      // client knows it was asked for a certificate and sent none.
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, none.reason(), none.getMessage());
      assertFalse(none.getMessage().contains("close_notify"), none.getMessage());

      // Node finds our client in our CRL. It refuses by closing the connection after the
      // handshake without an alert (rejectUnauthorized is Node's own check, silent), so our client
      // sees the end of the stream; without the CRL the same client is served.
      TlsConfig revoked = TlsConfig.client().trust(pki.trust()).keyMaterial(pki.revoked.keyMaterial()).build();
      assertThrows(java.io.IOException.class, () -> Interop.talk(server.port(), revoked, "x"));
      try (NodeServer withoutCrl = nodeServer(KeyType.EC_P256, true, protocol, protocol, null)) {
        assertEquals("ECHO " + protocol + " peer=revoked-client x", Interop.talk(withoutCrl.port(), revoked, "x")[1]);
      }
    }
  }

  @Test
  void ourClientRefusesATls11NodeServer() throws Exception {
    try (NodeServer server = nodeServer(KeyType.EC_P256, false, "TLSv1.1", "TLSv1.1", "{\"ciphers\":\"DEFAULT:@SECLEVEL=0\"}")) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
          () -> Interop.talk(server.port(), TlsConfig.client().trust(pki.trust()).build(), "x"));
      assertEquals(Reason.PROTOCOL_VERSION, e.reason(), e.getMessage() + "\n" + server.process().output());
    }
  }

  @Test
  void ourClientRefusesANodeServerThatSignsOnlyWithSha1() throws Exception {
    try (NodeServer server = nodeServer(KeyType.RSA_2048, false, "TLSv1.2", "TLSv1.2",
        "{\"sigalgs\":\"RSA+SHA1\",\"ciphers\":\"DEFAULT:@SECLEVEL=0\"}")) {
      TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
          () -> Interop.talk(server.port(), TlsConfig.client().trust(pki.trust()).build(), "x"));
      assertEquals(Reason.NO_COMMON_PARAMETERS, e.reason(), e.getMessage() + "\n" + server.process().output());
      assertTrue(server.process().awaitOutput("no shared signature algorithms", java.time.Duration.ofSeconds(5))
          || server.process().awaitOutput("CLIENT_ERROR", java.time.Duration.ofSeconds(5)), server.process().output());
    }
  }

  // ---- a Node client, our server ----

  static Peers.Result nodeClient(int port, String cert, String key, String minVersion, String maxVersion, String extra)
      throws Exception {
    List<String> command = Peers.list(Peers.node(), "client.js", String.valueOf(port), "ca.pem", cert, key, minVersion, maxVersion);
    if (extra != null) {
      command.add(extra);
    }
    return Peers.run(dir, Interop.PEER_TIMEOUT, command.toArray(new String[0]));
  }

  @ParameterizedTest(name = "{0} over {1}")
  @MethodSource("keyTypesAndProtocols")
  void nodeClientTalksToOurServer(KeyType keyType, String protocol) throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(keyType).keyMaterial()).build())) {
      Peers.Result result = nodeClient(server.port(), "-", "-", protocol, protocol, null);
      assertTrue(result.output().contains("GOT REPLY " + protocol + " peer=-"), result.output());
      server.nextSuccess();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void nodeClientDoesMutualTlsWithOurServerWhichRefusesTheRevokedAndTheCertificateless(String protocol) throws Exception {
    TlsConfig config =
        TlsConfig.server(pki.servers.get(KeyType.EC_P256).keyMaterial())
            .clientAuth(ClientAuth.REQUIRED).trust(pki.trust()).crl(dir.resolve("crl.pem")).build();
    try (Interop.OurServer server = new Interop.OurServer(config)) {
      Peers.Result accepted = nodeClient(server.port(), "client.pem", "client-key.pem", protocol, protocol, null);
      assertTrue(accepted.output().contains("GOT REPLY " + protocol + " peer=CN=interop-client"), accepted.output());
      server.nextSuccess();

      Peers.Result none = nodeClient(server.port(), "-", "-", protocol, protocol, null);
      assertFalse(none.output().contains("GOT REPLY"), none.output());
      assertEquals(Reason.CLIENT_CERTIFICATE_REQUIRED, server.nextFailure().reason());

      Peers.Result revoked = nodeClient(server.port(), "revoked.pem", "revoked-key.pem", protocol, protocol, null);
      assertFalse(revoked.output().contains("GOT REPLY"), revoked.output());
      TlsHandshakeException e = server.nextFailure();
      assertEquals(Reason.CERTIFICATE_REVOKED, e.reason(), e.getMessage());
    }
  }

  @Test
  void ourServerRefusesTls11FromNodeClient() throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(KeyType.EC_P256).keyMaterial()).build())) {
      Peers.Result result = nodeClient(server.port(), "-", "-", "TLSv1.1", "TLSv1.1", "{\"ciphers\":\"DEFAULT:@SECLEVEL=0\"}");
      assertTrue(result.output().contains("ERROR"), result.output());
      assertEquals(Reason.PROTOCOL_VERSION, server.nextFailure().reason());
    }
  }

  @Test
  void ourServerRefusesANodeClientThatOffersOnlySha1Signatures() throws Exception {
    try (Interop.OurServer server = new Interop.OurServer(TlsConfig.server(pki.servers.get(KeyType.RSA_2048).keyMaterial()).build())) {
      Peers.Result result = nodeClient(server.port(), "-", "-", "TLSv1.2", "TLSv1.2",
          "{\"sigalgs\":\"RSA+SHA1\",\"ciphers\":\"DEFAULT:@SECLEVEL=0\"}");
      assertTrue(result.output().contains("ERROR"), result.output());
      TlsHandshakeException e = server.nextFailure();
      assertEquals(Reason.NO_COMMON_SIGNATURE_SCHEME, e.reason(), e.getMessage());
    }
  }
}
