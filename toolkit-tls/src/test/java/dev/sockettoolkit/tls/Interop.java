package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sockettoolkit.core.Client;
import dev.sockettoolkit.core.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the interoperability tests with independent TLS stacks share: files written by the toolkit
 * itself (so the peer loads keys and certificates the toolkit made), our server that reports each
 * connection's outcome, and our client.
 */
final class Interop {
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(30);

  private Interop() {}

  /** A CA, servers of every key type, a client and a revoked client, with a CRL; all as PEM files. */
  static final class Pki {
    final Path dir;
    final CertificateAuthority ca = CertificateAuthority.create("Interop CA");
    final Map<KeyType, IssuedCertificate> servers = new EnumMap<>(KeyType.class);
    final IssuedCertificate client = ca.issue().commonName("interop-client").client().issue();
    final IssuedCertificate revoked = ca.issue().commonName("revoked-client").client().issue();

    Pki(Path dir) throws IOException {
      this.dir = dir;
      ca.writePem(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
      for (KeyType type : KeyType.values()) {
        IssuedCertificate server = ca.issue().dns("localhost").ip("127.0.0.1").keyType(type).server().issue();
        servers.put(type, server);
        server.writePem(dir.resolve(serverChain(type)), dir.resolve(serverKey(type)));
      }
      client.writePem(dir.resolve("client.pem"), dir.resolve("client-key.pem"));
      revoked.writePem(dir.resolve("revoked.pem"), dir.resolve("revoked-key.pem"));
      ca.revoke(revoked.certificate());
      ca.writeCrl(dir.resolve("crl.pem"), Duration.ofDays(1));
    }

    static String serverChain(KeyType type) {
      return "server-" + type.name().toLowerCase(java.util.Locale.ROOT) + ".pem";
    }

    static String serverKey(KeyType type) {
      return "server-" + type.name().toLowerCase(java.util.Locale.ROOT) + "-key.pem";
    }

    String path(String file) {
      return dir.resolve(file).toString();
    }

    TrustMaterial trust() {
      return ca.trustMaterial();
    }
  }

  /**
   * Our server: after each handshake it reads one line and answers {@code REPLY <protocol>
   * peer=<subject or ->} and closes; each connection's outcome (null or the failure) is queued.
   */
  static final class OurServer implements AutoCloseable {
    final Server server;
    final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

    OurServer(TlsConfig config) throws IOException {
      server =
          Server.builder()
              .bind("127.0.0.1", 0)
              .handler(connection -> {
                try (TlsConnection tls = TlsConnection.server(connection, config)) {
                  tls.handshake();
                  readLine(tls);
                  TlsSession session = tls.session();
                  tls.write(ascii("REPLY " + session.protocol() + " peer="
                      + session.peerPrincipal().map(Object::toString).orElse("-") + "\n"));
                  outcomes.add("ok");
                } catch (IOException | RuntimeException e) {
                  outcomes.add(e);
                }
              })
              .start();
    }

    int port() {
      return server.port();
    }

    /** The next connection's handshake failure; fails the test if it succeeded or never came. */
    TlsHandshakeException nextFailure() throws InterruptedException {
      Object outcome = outcomes.poll(PEER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (outcome instanceof TlsHandshakeException e) {
        return e;
      }
      throw new AssertionError("expected a refused handshake, got " + outcome, outcome instanceof Throwable t ? t : null);
    }

    /** Waits for the next connection to succeed. */
    void nextSuccess() throws InterruptedException {
      Object outcome = outcomes.poll(PEER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!"ok".equals(outcome)) {
        throw new AssertionError("expected a served connection, got " + outcome, outcome instanceof Throwable t ? t : null);
      }
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** Our client: sends {@code line}, returns {protocol, the first line of the answer}. */
  static String[] talk(int port, TlsConfig config, String line) throws IOException {
    try (TlsConnection tls = TlsConnection.client(Client.connect("127.0.0.1:" + port, Transports.OPTIONS), config, "localhost")) {
      tls.handshake();
      tls.write(ascii(line + "\n"));
      String reply = readLine(tls);
      return new String[] {tls.session().protocol(), reply};
    }
  }

  /** Reads up to a newline (excluded) or the end of the stream. */
  static String readLine(TlsConnection tls) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
      if (!buffer.hasRemaining() || tls.read(buffer, Duration.ofSeconds(20)) < 0) {
        break;
      }
    }
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }

  static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails unless {@code process} prints {@code ready} within the peer timeout. */
  static void awaitReady(Peers.Running process, String ready) throws InterruptedException {
    if (!process.awaitOutput(ready, Duration.ofSeconds(15))) {
      fail("the peer did not start (no '" + ready + "'): " + process.output());
    }
  }
}
