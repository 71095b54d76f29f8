package dev.sockettoolkit.bench;

import dev.sockettoolkit.tls.CertificateAuthority;
import dev.sockettoolkit.tls.IssuedCertificate;
import java.security.cert.X509Certificate;

/** The benchmark's TLS identity, made with the toolkit's own certificate authority. */
final class Certificates {
  private Certificates() {}

  /** A fresh CA and a server certificate for localhost and 127.0.0.1 (EC P-256, the default). */
  static TlsMaterial create() {
    CertificateAuthority ca = CertificateAuthority.create("toolkit-bench CA");
    IssuedCertificate server = ca.issue().dns("localhost").ip("127.0.0.1").issue();
    return new TlsMaterial(
        server.privateKey(), server.chain().toArray(new X509Certificate[0]), ca.certificate());
  }
}
