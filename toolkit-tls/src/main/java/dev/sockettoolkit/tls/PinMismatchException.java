package dev.sockettoolkit.tls;

import java.security.cert.CertificateException;

/** Thrown inside the trust manager when no certificate of the verified chain has a pinned key. */
final class PinMismatchException extends CertificateException {
  private static final long serialVersionUID = 1L;

  PinMismatchException(String message) {
    super(message);
  }
}
