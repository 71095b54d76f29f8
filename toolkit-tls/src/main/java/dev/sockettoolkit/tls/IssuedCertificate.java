package dev.sockettoolkit.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A certificate issued by a {@link CertificateAuthority}, with its private key. Immutable.
 *
 * <pre>{@code
 * IssuedCertificate server = ca.issue().commonName("api").dns("api.internal").issue();
 * server.writePem(Path.of("server-chain.pem"), Path.of("server-key.pem"));
 * TlsConfig config = TlsConfig.server(server.keyMaterial()).build();
 * System.out.println(server.sha256Fingerprint()); // AB:12:...
 * }</pre>
 */
public final class IssuedCertificate {
  private final KeyMaterial keyMaterial;

  IssuedCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
    this.keyMaterial = KeyMaterial.of(privateKey, chain);
  }

  /** The key and chain, ready for {@link TlsConfig}. */
  public KeyMaterial keyMaterial() {
    return keyMaterial;
  }

  /** The issued (leaf) certificate. */
  public X509Certificate certificate() {
    return keyMaterial.certificate();
  }

  /** The chain: this certificate, then the issuing CA's certificate. */
  public List<X509Certificate> chain() {
    return keyMaterial.certificateChain();
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return keyMaterial.privateKey();
  }

  /**
   * Writes the chain (leaf, then CA) to {@code certificateChainFile} and the private key as
   * unencrypted PKCS#8 to {@code keyFile} (owner-readable only where the file system allows),
   * both as PEM that OpenSSL reads. Each file is replaced atomically.
   */
  public void writePem(Path certificateChainFile, Path keyFile) throws IOException {
    Pem.write(certificateChainFile, Pem.encode(chain()), false);
    Pem.write(keyFile, Pem.encode(List.of(privateKey())), true);
  }

  /** The PEM text of the chain, leaf first. */
  public String certificateChainPem() {
    return Pem.encode(chain());
  }

  /** The PEM text of the private key, unencrypted PKCS#8. */
  public String privateKeyPem() {
    return Pem.encode(List.of(privateKey()));
  }

  /**
   * The SHA-256 fingerprint of the certificate as OpenSSL prints it: uppercase hex, colon
   * separated ({@code openssl x509 -noout -fingerprint -sha256}).
   */
  public String sha256Fingerprint() {
    return Certificates.sha256Fingerprint(certificate());
  }

  /**
   * The base64 SHA-256 of the certificate's public key (SubjectPublicKeyInfo): the value {@link
   * TlsConfig.ClientBuilder#pinSha256} takes.
   */
  public String publicKeySha256() {
    return Certificates.spkiSha256(certificate());
  }

  @Override
  public String toString() {
    return "IssuedCertificate{" + certificate().getSubjectX500Principal() + ", "
        + sha256Fingerprint() + "}";
  }
}
