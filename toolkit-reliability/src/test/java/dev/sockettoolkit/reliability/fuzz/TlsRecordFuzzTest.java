package dev.sockettoolkit.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.testkit.TestCertificates;
import dev.sockettoolkit.tls.TlsConfig;
import dev.sockettoolkit.tls.TlsConnection;
import dev.sockettoolkit.tls.TlsHandshakeException;
import dev.sockettoolkit.tls.TlsTruncationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Coverage-guided fuzzing of the TLS layer's record path: hostile bytes are fed to a {@link
 * TlsConnection} server over an in-memory pair, followed by the end of the stream.
 *
 * <ul>
 *   <li>{@link #handshakeRecords}: the bytes are the client's whole first flight. The handshake
 *       must fail with a {@link TlsHandshakeException}, promptly (the stream ends, so no timeout may
 *       be needed), and never succeed.
 *   <li>{@link #applicationRecords}: the bytes arrive after a real handshake, where records must be
 *       encrypted. Reading must end in a {@link TlsTruncationException}, a {@link
 *       TlsHandshakeException} (an alert about the handshake), or an {@code IOException} caused by
 *       the engine's {@link SSLException} (a record that fails to decrypt): a TLS failure, never
 *       data.
 * </ul>
 *
 * <p>The seed corpus holds real ClientHellos (TLS 1.3 and 1.2) and record headers of every type.
 */
class TlsRecordFuzzTest {
  private static final TestCertificates CERTS = TestCertificates.get();
  private static final TlsConfig SERVER =
      TlsConfig.server(CERTS.server().keyMaterial()).handshakeTimeout(Duration.ofSeconds(5)).build();
  /** Hostile bytes are written before the server reads: they must fit the in-memory buffer. */
  private static final int MAX_INPUT = 48 * 1024;

  @FuzzTest(maxDuration = "5m")
  void handshakeRecords(byte[] input) throws IOException {
    if (input.length > MAX_INPUT) {
      return;
    }
    try (ConnectionPair plain = ConnectionPair.inMemory()) {
      plain.client().write(ByteBuffer.wrap(input));
      plain.client().shutdownOutput();
      TlsConnection server = TlsConnection.server(plain.server(), SERVER);
      long start = System.nanoTime();
      try {
        server.handshake();
        fail("a handshake succeeded with " + input.length + " hostile bytes and no client key");
      } catch (TlsHandshakeException expected) {
        assertPrompt(start);
      } finally {
        server.abort();
      }
    }
  }

  @FuzzTest(maxDuration = "5m")
  void applicationRecords(byte[] input) throws IOException {
    if (input.length > MAX_INPUT) {
      return;
    }
    try (ConnectionPair plain = ConnectionPair.inMemory()) {
      ConnectionPair tls = CERTS.secure(plain, SERVER, CERTS.clientConfig());
      plain.client().write(ByteBuffer.wrap(input));
      plain.client().shutdownOutput();
      ByteBuffer received = ByteBuffer.allocate(64 * 1024);
      long start = System.nanoTime();
      try {
        int n = tls.server().read(received);
        fail("read " + n + " from hostile records that were not encrypted with the session keys");
      } catch (TlsTruncationException | TlsHandshakeException expected) {
        assertPrompt(start);
      } catch (IOException e) {
        if (!(e.getCause() instanceof SSLException)) {
          throw e;
        }
        assertPrompt(start);
      } finally {
        tls.server().abort();
        tls.client().abort();
      }
    }
  }

  private static void assertPrompt(long start) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 3_000, "the TLS layer took " + millis + " ms to reject bytes it already had");
  }
}
