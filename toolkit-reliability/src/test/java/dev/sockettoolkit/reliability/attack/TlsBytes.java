package dev.sockettoolkit.reliability.attack;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Real TLS bytes for attacks that speak TLS badly on purpose. */
final class TlsBytes {
  private TlsBytes() {}

  /** The first flight of a toolkit TLS client (a ClientHello), captured over an in-memory pair. */
  static byte[] clientHello(TlsConfig clientConfig) {
    ConnectionPair pair = ConnectionPair.inMemory();
    TlsConnection client = TlsConnection.client(pair.client(), clientConfig, "localhost");
    Thread handshake = new Thread(() -> {
      try {
        client.handshake();
      } catch (IOException expected) {
        // The pair is aborted below, once the hello has been captured.
      }
    }, "capture client hello");
    handshake.start();
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    try {
      while (true) {
        buffer.clear();
        int n = pair.server().read(buffer, Duration.ofMillis(300));
        if (n < 0) {
          break;
        }
        hello.write(buffer.array(), 0, n);
      }
    } catch (ConnectionTimeoutException done) {
      // The client waits for the server: its flight is complete.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      pair.client().abort();
      pair.server().abort();
    }
    return hello.toByteArray();
  }

  /** A JDK SSLContext that trusts the test CA: a client the toolkit did not write. */
  static SSLContext jdkClientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", AttackServer.CERTS.ca().certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
