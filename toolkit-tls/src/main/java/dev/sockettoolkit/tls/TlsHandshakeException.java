package dev.sockettoolkit.tls;

import java.io.IOException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.util.Locale;
import java.util.Objects;

/**
 * A TLS handshake failed. {@link #reason()} classifies the failure so a program can react; the
 * message names the peer, the reason and what to check.
 *
 * <pre>{@code
 * try {
 *   tls.handshake();
 * } catch (TlsHandshakeException e) {
 *   if (e.reason() == TlsHandshakeException.Reason.HOSTNAME_MISMATCH) {
 *     // connected to the wrong host, or its certificate lacks this name
 *   }
 * }
 * }</pre>
 *
 * <p>The connection is closed after a handshake failure. A handshake that takes too long fails
 * with a {@link dev.sockettoolkit.core.ConnectionTimeoutException} of kind {@code HANDSHAKE}
 * instead.
 */
public class TlsHandshakeException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The peer's certificate does not chain to a trusted authority. */
    UNKNOWN_CA("the peer's certificate is not signed by a trusted authority; check the trust material"),
    /** The peer's certificate does not name the host that was asked for. */
    HOSTNAME_MISMATCH("the certificate does not name the requested host; check the server name"),
    /** The peer's certificate has expired. */
    CERTIFICATE_EXPIRED("the peer's certificate has expired; renew it"),
    /** The peer's certificate is not valid yet. */
    CERTIFICATE_NOT_YET_VALID("the peer's certificate is not valid yet; check both clocks"),
    /** The peer's public key matches none of the configured pins. */
    PIN_MISMATCH("the peer's public key matches no configured pin"),
    /** The peer rejected this side's certificate (or its lack of one). */
    PEER_REJECTED_CERTIFICATE("the peer rejected this side's certificate; check it is issued by a CA the peer trusts"),
    /** The server required a client certificate and got none. */
    CLIENT_CERTIFICATE_REQUIRED("a client certificate is required; configure keyMaterial(...) on the client"),
    /** No protocol version both sides accept (TLS 1.3 and 1.2 by default). */
    PROTOCOL_VERSION("no TLS version both sides accept; this side allows only TLS 1.3 and 1.2 by default"),
    /** No cipher suite, group or signature scheme both sides accept. */
    NO_COMMON_PARAMETERS("no cipher suite, key type or signature scheme both sides accept (this side"
        + " allows only AEAD suites with ECDHE, and refuses SHA-1 signatures)"),
    /**
     * The peer offers or uses only signature schemes this side refuses: SHA-1 signatures
     * (RFC 9155) under TLS 1.2, or none that suits the certificate's key.
     */
    NO_COMMON_SIGNATURE_SCHEME("no signature scheme both sides accept; SHA-1 signatures are refused"
        + " (RFC 9155): the peer must offer SHA-256 or better for this side's key type"),
    /** The peer's certificate is listed as revoked in a configured certificate revocation list. */
    CERTIFICATE_REVOKED("the certificate is revoked (listed in the issuer's CRL); issue a new one"),
    /**
     * The revocation status of the peer's certificate cannot be decided: the configured CRL for
     * its issuer is out of date (past its nextUpdate) or not valid yet, or its signature is wrong.
     */
    REVOCATION_UNKNOWN("the CRL for the peer's issuer is out of date, not yet valid or not signed by"
        + " the issuer; publish a fresh CRL (toolkit cert crl) and reload it"),
    /** ALPN was offered and no application protocol is common to both sides. */
    NO_APPLICATION_PROTOCOL("no application protocol (ALPN) both sides accept"),
    /** The peer does not speak TLS: plaintext or garbage arrived where a TLS record was expected. */
    NOT_TLS("the peer does not speak TLS (plaintext on a TLS port, or the wrong port)"),
    /** The peer closed the connection before the handshake finished. */
    PEER_CLOSED("the peer closed the connection during the handshake; see its logs for why"),
    /** The peer asked for a TLS 1.2 renegotiation, which this side refuses. */
    RENEGOTIATION_REFUSED("renegotiation is refused (it has been a source of attacks)"),
    /** The handshake exceeded a size limit of this side. */
    LIMIT_EXCEEDED("the handshake exceeded a size limit"),
    /** Any other failure; the cause has the details. */
    OTHER("see the cause for details");

    private final String hint;

    Reason(String hint) {
      this.hint = hint;
    }

    /** A sentence about what this reason means and what to check. */
    public String hint() {
      return hint;
    }
  }

  private final Reason reason;

  /** Creates the exception; {@code detail} describes this failure and may be null. */
  public TlsHandshakeException(Reason reason, String detail, Throwable cause) {
    super(message(reason, detail), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  private static String message(Reason reason, String detail) {
    String label = reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return "TLS handshake failed (" + label + "): "
        + (detail == null || detail.isEmpty() ? "" : detail + "; ") + reason.hint;
  }

  /** What went wrong. */
  public Reason reason() {
    return reason;
  }

  /** Classifies a JSSE failure by its cause chain and alert text. */
  static Reason classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PinMismatchException) {
        return Reason.PIN_MISMATCH;
      }
      if (t instanceof CertificateRevokedException) {
        return Reason.CERTIFICATE_REVOKED;
      }
      if (t instanceof CertificateExpiredException) {
        return Reason.CERTIFICATE_EXPIRED;
      }
      if (t instanceof CertificateNotYetValidException) {
        return Reason.CERTIFICATE_NOT_YET_VALID;
      }
      if (t instanceof CertPathValidatorException pathFailure) {
        CertPathValidatorException.Reason r = pathFailure.getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED) {
          return Reason.CERTIFICATE_EXPIRED;
        }
        if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return Reason.CERTIFICATE_NOT_YET_VALID;
        }
        if (r == CertPathValidatorException.BasicReason.REVOKED) {
          return Reason.CERTIFICATE_REVOKED;
        }
        if (r == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
          return Reason.REVOCATION_UNKNOWN;
        }
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("No subject alternative") || m.contains("No name matching")) {
        return Reason.HOSTNAME_MISMATCH;
      }
      if (m.contains("unable to find valid certification path")
          || m.contains("No trusted certificate found")
          || m.contains("signature check failed")) {
        return Reason.UNKNOWN_CA;
      }
      if (m.contains("Empty client certificate chain") || m.contains("certificate_required")
          || m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
        return Reason.CLIENT_CERTIFICATE_REQUIRED;
      }
      if (m.contains("Received fatal alert: certificate_revoked")) {
        return Reason.CERTIFICATE_REVOKED;
      }
      if (m.contains("No supported signature algorithm") || m.contains("No supported signature scheme")
          || m.contains("Unsupported signature algorithm") || m.contains("No available authentication scheme")) {
        return Reason.NO_COMMON_SIGNATURE_SCHEME;
      }
      if (m.contains("Received fatal alert: bad_certificate")
          || m.contains("Received fatal alert: unknown_ca")
          || m.contains("Received fatal alert: certificate_unknown")
          || m.contains("Received fatal alert: certificate_expired")
          || m.contains("Received fatal alert: unsupported_certificate")
          || m.contains("Received fatal alert: decrypt_error")) {
        return Reason.PEER_REJECTED_CERTIFICATE;
      }
      if (m.contains("protocol_version") || m.contains("No appropriate protocol")
          || m.contains("Unsupported protocol") || m.contains("not supported or enabled")
          || m.contains("Client requested protocol")
          // BoringSSL (Conscrypt)
          || m.contains("UNSUPPORTED_PROTOCOL") || m.contains("ALERT_PROTOCOL_VERSION")) {
        return Reason.PROTOCOL_VERSION;
      }
      if (m.contains("no_application_protocol") || m.contains("No matching application layer protocol")
          || m.contains("application protocol")) {
        return Reason.NO_APPLICATION_PROTOCOL;
      }
      if (m.contains("no cipher suites in common")
          || m.contains("insufficient_security") || m.contains("Received fatal alert: handshake_failure")
          || m.contains("No negotiable")
          // Bouncy Castle JSSE and Conscrypt (BoringSSL) name the same failures their own way.
          || m.contains("handshake_failure(40)") || m.contains("found no selectable cipher suite")
          || m.contains("NO_SHARED_CIPHER") || m.contains("NO_COMMON_SIGNATURE_ALGORITHMS")) {
        return Reason.NO_COMMON_PARAMETERS;
      }
    }
    return Reason.OTHER;
  }
}
