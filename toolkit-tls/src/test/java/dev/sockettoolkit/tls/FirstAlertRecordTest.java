package dev.sockettoolkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockettoolkit.tls.TlsHandshakeException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that gives up before its ClientHello and sends an alert is reported by the alert's name. */
class FirstAlertRecordTest {
  @TempDir Path dir;

  @Test
  void anOpenSslClientWithNothingToOfferIsReportedByItsAlertNotAsPlaintext() throws Exception {
    String openssl = OpenSsl.require();
    try (Interop.OurServer server = new Interop.OurServer(TestPki.server().build())) {
      // No TLS 1.3 cipher suite at all: OpenSSL sends a fatal internal_error alert instead of a
      // ClientHello (15 03 01 00 02 02 50).
      Peers.Result result =
          Peers.run(dir, Duration.ofSeconds(30), openssl, "s_client", "-connect", "127.0.0.1:" + server.port(),
              "-tls1_3", "-ciphersuites", "");
      assertFalse(result.ok(), result.output());
      TlsHandshakeException e = server.nextFailure();
      assertEquals(Reason.PEER_CLOSED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("sent a TLS alert instead of a ClientHello: fatal alert internal_error (80)"),
          e.getMessage());
      assertFalse(e.getMessage().contains("plaintext"), e.getMessage());
    }
  }
}
