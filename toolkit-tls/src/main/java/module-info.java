/**
 * TLS over any {@code Connection}: an {@code SSLEngine} layer with secure defaults, key and trust
 * material loading (PEM, PKCS#12, JKS), certificate generation for development and tests, and
 * reloadable server configuration.
 *
 * <p>Start with {@link dev.sockettoolkit.tls.TlsConfig} and {@link
 * dev.sockettoolkit.tls.TlsConnection}; make test certificates with {@link
 * dev.sockettoolkit.tls.CertificateAuthority}.
 */
module dev.sockettoolkit.tls {
  requires transitive dev.sockettoolkit.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  // The JFR event dev.sockettoolkit.TlsHandshake.
  requires jdk.jfr;

  exports dev.sockettoolkit.tls;
}
