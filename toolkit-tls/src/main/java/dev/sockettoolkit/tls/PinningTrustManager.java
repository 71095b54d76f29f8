package dev.sockettoolkit.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the chain with a delegate (PKIX, including host name checks), then requires that the
 * leaf or an issuer it actually chains to has a pinned SubjectPublicKeyInfo SHA-256. Unrelated
 * certificates appended to the chain cannot satisfy a pin: only the signed path from the leaf
 * counts.
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final List<byte[]> pins;

  PinningTrustManager(X509ExtendedTrustManager delegate, List<byte[]> pins) {
    this.delegate = delegate;
    this.pins = pins;
  }

  private void checkPins(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new PinMismatchException("the peer sent no certificate to check the pins against");
    }
    List<String> seen = new ArrayList<>();
    for (X509Certificate certificate : signedPath(chain)) {
      byte[] hash = Certificates.spkiSha256Bytes(certificate);
      for (byte[] pin : pins) {
        if (Arrays.equals(pin, hash)) {
          return;
        }
      }
      seen.add(certificate.getSubjectX500Principal() + " sha256/" + Certificates.spkiSha256(certificate));
    }
    throw new PinMismatchException(
        "no pinned public key in the peer's chain: " + String.join(", ", seen));
  }

  /** The leaf and each following certificate that really signed its predecessor. */
  private static List<X509Certificate> signedPath(X509Certificate[] chain) {
    List<X509Certificate> path = new ArrayList<>();
    path.add(chain[0]);
    for (int i = 1; i < chain.length; i++) {
      X509Certificate child = chain[i - 1];
      X509Certificate parent = chain[i];
      if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
        break;
      }
      try {
        child.verify(parent.getPublicKey());
      } catch (GeneralSecurityException e) {
        break;
      }
      path.add(parent);
    }
    return path;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    checkPins(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkPins(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    checkPins(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkPins(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    checkPins(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkPins(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
