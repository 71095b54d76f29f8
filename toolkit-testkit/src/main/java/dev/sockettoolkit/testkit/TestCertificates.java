package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.ClientAuth;
import dev.sockettoolkit.tls.IssuedCertificate;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Certificates for tests, made once per JVM and shared: a CA, a server certificate for {@code
 * localhost}, {@code 127.0.0.1} and {@code ::1}, and a client certificate ({@code CN=test-client})
 * for mutual TLS. EC P-256 keys, valid for a year.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.get();
 * ConnectionPair tls = certs.secure(Loopback.pair());        // TLS over an in-memory pair, handshaken
 * tls.client().write(...);
 *
 * TlsConfig server = certs.serverConfig();                    // for your own server
 * TlsConfig client = certs.clientConfig();                    // trusts the test CA
 * certs.writePem(tempDir);                                    // ca.pem, server.pem, server-key.pem, ...
 * }</pre>
 *
 * <p>Never use these outside tests: the keys are made in memory and nobody protects them.
 */
public final class TestCertificates {
  private static final class Holder {
    static final TestCertificates INSTANCE = new TestCertificates();
  }

  private final CertificateAuthority ca;
  private final IssuedCertificate server;
  private final IssuedCertificate client;

  private TestCertificates() {
    ca = CertificateAuthority.create("Socket Toolkit Test CA");
    server = ca.issue().dns("localhost").ip("127.0.0.1", "::1").server().issue();
    client = ca.issue().commonName("test-client").client().issue();
  }

  /** The shared test certificates, made on first use (a few milliseconds). */
  public static TestCertificates get() {
    return Holder.INSTANCE;
  }

  /** The test CA. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** The server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. */
  public IssuedCertificate server() {
    return server;
  }

  /** The client certificate, {@code CN=test-client}. */
  public IssuedCertificate client() {
    return client;
  }

  /** A server configuration with the server certificate and no client authentication. */
  public TlsConfig serverConfig() {
    return TlsConfig.server(server.keyMaterial()).build();
  }

  /** A server configuration that requires a client certificate from the test CA. */
  public TlsConfig mutualServerConfig() {
    return TlsConfig.server(server.keyMaterial())
        .trust(ca.trustMaterial())
        .clientAuth(ClientAuth.REQUIRED)
        .build();
  }

  /** A client configuration that trusts the test CA. */
  public TlsConfig clientConfig() {
    return TlsConfig.client().trust(ca.trustMaterial()).build();
  }

  /** A client configuration that trusts the test CA and presents the client certificate. */
  public TlsConfig mutualClientConfig() {
    return TlsConfig.client().trust(ca.trustMaterial()).keyMaterial(client.keyMaterial()).build();
  }

  /**
   * TLS over {@code plain} with the default test configurations, the handshake already done on
   * both sides (the server's on a helper thread). Closing the returned pair closes {@code plain}.
   *
   * @throws IOException if the handshake fails (for example, the plain pair's network resets it)
   */
  public ConnectionPair secure(ConnectionPair plain) throws IOException {
    return secure(plain, serverConfig(), clientConfig());
  }

  /**
   * TLS over {@code plain} with the given configurations, handshaken on both sides. The plain pair
   * must buffer a few KB each way: the server sends its session tickets before the client reads.
   */
  public ConnectionPair secure(ConnectionPair plain, TlsConfig serverConfig, TlsConfig clientConfig)
      throws IOException {
    TlsConnection client = TlsConnection.client(plain.client(), clientConfig, "localhost");
    TlsConnection server = TlsConnection.server(plain.server(), serverConfig);
    CompletableFuture<Void> serverSide =
        CompletableFuture.runAsync(
            () -> {
              try {
                server.handshake();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      client.handshake();
      serverSide.get(serverConfig.handshakeTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      abort(client, server);
      throw e;
    } catch (ExecutionException e) {
      abort(client, server);
      Throwable cause = e.getCause() instanceof UncheckedIOException ? e.getCause().getCause() : e.getCause();
      throw cause instanceof IOException ? (IOException) cause : new IOException(cause);
    } catch (TimeoutException e) {
      abort(client, server);
      throw new IOException(
          "the server side of the test handshake did not finish: is the plain pair's buffer too"
              + " small for the server's session tickets (a few KB), which it sends before the"
              + " client reads again?",
          e);
    } catch (InterruptedException e) {
      abort(client, server);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during the test handshake");
    }
    return new ConnectionPair(client, server);
  }

  private static void abort(Connection... connections) {
    for (Connection c : connections) {
      c.abort();
    }
  }

  /**
   * Writes the certificates as PEM files into {@code directory}: {@code ca.pem}, {@code
   * server.pem} (chain) and {@code server-key.pem}, {@code client.pem} and {@code client-key.pem}
   * (PKCS#8), for code under test that loads files.
   *
   * @return {@code directory}
   */
  public Path writePem(Path directory) throws IOException {
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("ca.pem"), ca.certificatePem());
    server.writePem(directory.resolve("server.pem"), directory.resolve("server-key.pem"));
    client.writePem(directory.resolve("client.pem"), directory.resolve("client-key.pem"));
    return directory;
  }

  @Override
  public String toString() {
    return "TestCertificates{" + ca + "}";
  }
}
