package dev.sockettoolkit.tls;

import java.time.Duration;
import java.time.Instant;

/** Certificates shared by the tests of one JVM: generating keys is the slow part of a TLS test. */
final class TestPki {
  static final CertificateAuthority CA = CertificateAuthority.create("Test CA");
  static final CertificateAuthority OTHER_CA = CertificateAuthority.create("Other CA");
  static final IssuedCertificate SERVER =
      CA.issue().commonName("localhost").dns("localhost").ip("127.0.0.1").server().issue();
  static final IssuedCertificate CLIENT = CA.issue().commonName("test-client").client().issue();
  static final IssuedCertificate OTHER_CLIENT =
      OTHER_CA.issue().commonName("stranger").client().issue();
  static final IssuedCertificate EXPIRED =
      CA.issue()
          .dns("localhost")
          .validity(Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)))
          .issue();

  private TestPki() {}

  static TlsConfig.ClientBuilder client() {
    return TlsConfig.client().trust(CA.trustMaterial()).handshakeTimeout(Duration.ofSeconds(5));
  }

  static TlsConfig.ServerBuilder server() {
    return TlsConfig.server(SERVER.keyMaterial()).handshakeTimeout(Duration.ofSeconds(5));
  }
}
