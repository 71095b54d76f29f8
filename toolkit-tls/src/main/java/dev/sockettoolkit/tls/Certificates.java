package dev.sockettoolkit.tls;

import com.google.common.net.InetAddresses;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate building and inspection shared by the CA, issued certificates and sessions. */
final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** Parameters of one certificate to sign. */
  static final class Request {
    String commonName;
    PublicKey subjectKey;
    Instant notBefore;
    Instant notAfter;
    boolean authority;
    boolean serverAuth;
    boolean clientAuth;
    List<String> dnsNames = List.of();
    List<String> ipAddresses = List.of();
  }

  /**
   * Signs {@code request} with {@code issuerKey}; {@code issuer} is null for a self-signed
   * certificate.
   */
  static X509Certificate sign(Request request, X509Certificate issuer, KeyPair issuerKeys) {
    try {
      X500Name subject = new X500Name("CN=" + escape(request.commonName));
      X500Name issuerName =
          issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              serial,
              Date.from(request.notBefore),
              Date.from(request.notAfter),
              subject,
              request.subjectKey);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(request.subjectKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          issuer == null
              ? utils.createAuthorityKeyIdentifier(request.subjectKey)
              : utils.createAuthorityKeyIdentifier(issuer));
      if (request.authority) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        int usage = KeyUsage.digitalSignature;
        if (request.subjectKey.getAlgorithm().equals("RSA")) {
          usage |= KeyUsage.keyEncipherment;
        }
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (request.serverAuth) {
          purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (request.clientAuth) {
          purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        builder.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
        List<GeneralName> names = new ArrayList<>();
        for (String dns : request.dnsNames) {
          names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : request.ipAddresses) {
          names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        if (!names.isEmpty()) {
          builder.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(new GeneralName[0])));
        }
      }
      PrivateKey signingKey = issuerKeys.getPrivate();
      ContentSigner signer =
          new JcaContentSignerBuilder(KeyType.signatureAlgorithmFor(signingKey.getAlgorithm()))
              .build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a certificate for " + request.commonName + ": " + e, e);
    }
  }

  private static String escape(String commonName) {
    StringBuilder escaped = new StringBuilder();
    for (char c : commonName.toCharArray()) {
      if (",+\"\\<>;=#".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** Uppercase hex SHA-256 of the DER encoding, colon-separated as OpenSSL prints it. */
  static String sha256Fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = sha256(certificate.getEncoded());
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        if (hex.length() > 0) {
          hex.append(':');
        }
        hex.append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
      return hex.toString();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo: the value to pin. */
  static String spkiSha256(X509Certificate certificate) {
    return Base64.getEncoder().encodeToString(spkiSha256Bytes(certificate));
  }

  static byte[] spkiSha256Bytes(X509Certificate certificate) {
    return sha256(certificate.getPublicKey().getEncoded());
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** DNS names and IP addresses of {@code certificate}'s subjectAltName, as text. */
  static List<String> subjectAlternativeNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
      if (entries != null) {
        for (List<?> entry : entries) {
          int type = (Integer) entry.get(0);
          if (type == GeneralName.dNSName || type == GeneralName.iPAddress
              || type == GeneralName.rfc822Name || type == GeneralName.uniformResourceIdentifier) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // A certificate with an unparsable SAN extension: report none rather than fail.
    }
    return List.copyOf(names);
  }

  /** Whether {@code host} is an IPv4 or IPv6 literal (brackets allowed). */
  static boolean isIpLiteral(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return InetAddresses.isInetAddress(bare);
  }
}
