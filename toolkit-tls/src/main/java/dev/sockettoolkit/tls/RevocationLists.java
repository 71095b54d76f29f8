package dev.sockettoolkit.tls;

import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CRL;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * Certificate revocation lists loaded from files, and the check a peer's chain must pass: a
 * certificate whose issuer has a CRL here must not be listed in it, and that CRL must be signed by
 * the issuer and current (thisUpdate passed, nextUpdate not). Certificates of issuers without a
 * CRL here are not checked. Immutable.
 */
final class RevocationLists {
  /** One CRL and the file it came from, for messages. */
  record Entry(X509CRL crl, Path source) {}

  private final List<Entry> entries;

  private RevocationLists(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads every CRL (PEM or DER) in {@code files}, failing with a {@link KeyMaterialException} if
   * one is missing, unreadable, holds no CRL, or is out of date now: an expired CRL is an error,
   * never a silent pass.
   */
  static RevocationLists load(List<Path> files) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Path file : files) {
      for (X509CRL crl : read(file)) {
        checkCurrent(crl, file, Instant.now());
        entries.add(new Entry(crl, file));
      }
    }
    return new RevocationLists(entries);
  }

  /** Every CRL in {@code file}, PEM ("BEGIN X509 CRL") or DER. */
  static List<X509CRL> read(Path file) throws IOException {
    Collection<? extends CRL> crls;
    try (InputStream in = Files.newInputStream(file)) {
      crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(
          Reason.UNREADABLE, "cannot parse the CRL in " + file + ": " + e.getMessage(), e);
    }
    List<X509CRL> result = new ArrayList<>();
    for (CRL crl : crls) {
      if (crl instanceof X509CRL x509) {
        result.add(x509);
      }
    }
    if (result.isEmpty()) {
      throw new KeyMaterialException(
          Reason.MISSING, "no certificate revocation list (-----BEGIN X509 CRL-----) in " + file);
    }
    return result;
  }

  private static void checkCurrent(X509CRL crl, Path file, Instant now) throws KeyMaterialException {
    String problem = staleness(crl, now);
    if (problem != null) {
      throw new KeyMaterialException(
          crl.getThisUpdate().toInstant().isAfter(now) ? Reason.NOT_YET_VALID : Reason.EXPIRED,
          "the CRL of " + crl.getIssuerX500Principal() + " in " + file + " " + problem
              + "; publish a fresh one (toolkit cert crl, or CertificateAuthority.writeCrl)");
    }
  }

  /** Why {@code crl} is not current at {@code now}, or null if it is. */
  private static String staleness(X509CRL crl, Instant now) {
    if (crl.getThisUpdate().toInstant().isAfter(now)) {
      return "is not valid before " + crl.getThisUpdate().toInstant() + " (check this machine's clock)";
    }
    if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
      return "is out of date: its nextUpdate was " + crl.getNextUpdate().toInstant();
    }
    return null;
  }

  List<Entry> entries() {
    return entries;
  }

  /**
   * Checks each certificate of {@code chain} against the CRLs of its issuer. The issuer's key is
   * the next certificate of the chain or one of {@code anchors}.
   */
  void check(X509Certificate[] chain, X509Certificate[] anchors) throws CertificateException {
    if (chain == null) {
      return;
    }
    Instant now = Instant.now();
    for (int i = 0; i < chain.length; i++) {
      X509Certificate certificate = chain[i];
      X500Principal issuer = certificate.getIssuerX500Principal();
      if (i > 0 && issuer.equals(certificate.getSubjectX500Principal())) {
        continue; // a self-signed root sent along: trusted or not, it has no CRL above it
      }
      for (Entry entry : entries) {
        if (!entry.crl().getIssuerX500Principal().equals(issuer)) {
          continue;
        }
        PublicKey issuerKey = issuerKey(chain, i, anchors);
        if (issuerKey == null) {
          continue; // the delegate verified the chain: an issuer we cannot see is not this CRL's
        }
        try {
          entry.crl().verify(issuerKey);
        } catch (GeneralSecurityException e) {
          throw undetermined(
              "the CRL in " + entry.source() + " names " + issuer + " as its issuer but is not signed"
                  + " by its key", e);
        }
        String stale = staleness(entry.crl(), now);
        if (stale != null) {
          throw undetermined(
              "cannot check " + describe(certificate) + ": the CRL in " + entry.source() + " " + stale, null);
        }
        X509CRLEntry revoked = entry.crl().getRevokedCertificate(certificate);
        if (revoked != null) {
          String message =
              describe(certificate) + " is revoked since " + revoked.getRevocationDate().toInstant()
                  + (revoked.getRevocationReason() == null ? "" : " (" + revoked.getRevocationReason() + ")")
                  + ", listed in the CRL " + entry.source();
          throw new CertificateException(
              message,
              new CertPathValidatorException(
                  message, null, null, -1, CertPathValidatorException.BasicReason.REVOKED));
        }
      }
    }
  }

  /** "the certificate CN=x, serial 1A2B... (issued by CN=y)": what a log line needs to act on. */
  static String describe(X509Certificate certificate) {
    return "the certificate " + certificate.getSubjectX500Principal() + ", serial "
        + serial(certificate.getSerialNumber()) + " (issued by " + certificate.getIssuerX500Principal() + ")";
  }

  /** A serial number as uppercase hex, as {@code openssl x509 -serial} prints it. */
  static String serial(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return (hex.length() & 1) == 1 ? "0" + hex : hex;
  }

  private static PublicKey issuerKey(X509Certificate[] chain, int index, X509Certificate[] anchors) {
    X500Principal issuer = chain[index].getIssuerX500Principal();
    if (index + 1 < chain.length && chain[index + 1].getSubjectX500Principal().equals(issuer)) {
      return chain[index + 1].getPublicKey();
    }
    for (X509Certificate anchor : anchors) {
      if (anchor.getSubjectX500Principal().equals(issuer)) {
        return anchor.getPublicKey();
      }
    }
    return null;
  }

  private static CertificateException undetermined(String message, Throwable cause) {
    return new CertificateException(
        message,
        new CertPathValidatorException(
            message, cause, null, -1, CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS));
  }
}
