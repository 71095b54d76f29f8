package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sockettoolkit.core.ConnectionPair;
import dev.sockettoolkit.core.TimeSource;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class TlsWriterTest {
  @Test
  void aFailedHandshakeWrapReleasesTheWriteLock() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    engine.setEnabledCipherSuites(new String[0]); // every wrap fails: nothing to offer
    try (ConnectionPair pair = ConnectionPair.inMemory()) {
      TlsState tls = new TlsState(pair.client(), engine, TimeSource.system(), false, false);
      TlsWriter writer = new TlsWriter(tls, failure -> failure);
      // The first wrap starts the handshake, and fails.
      assertThrows(SSLException.class, writer::wrapAndFlush);
      // Every locked section, borrowing its buffer included, runs inside CombiningWriter's
      // try/finally: once, a failure in borrow() left the lock held and every later write and
      // close hung. A failing wrap is the failure a test can cause; it must release it too.
      boolean sent =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () -> writer.closeOutput(0, () -> false),
              "the write lock is still held");
      assertFalse(sent, "the gate said no");
    }
  }
}
