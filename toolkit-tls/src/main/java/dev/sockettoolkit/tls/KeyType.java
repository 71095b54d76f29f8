package dev.sockettoolkit.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * The kind of key pair {@link CertificateAuthority} generates.
 *
 * <pre>{@code
 * IssuedCertificate server = ca.issue().dns("localhost").keyType(KeyType.RSA_2048).issue();
 * }</pre>
 *
 * <p>{@link #EC_P256} is the default: small, fast, and accepted by every current TLS peer.
 * {@link #ED25519} works with TLS 1.3 and 1.2 peers that support EdDSA (JDK 15+, OpenSSL 1.1.1+)
 * but not with every client library.
 */
public enum KeyType {
  /** ECDSA on the NIST P-256 curve, signed with SHA-256. The default. */
  EC_P256("SHA256withECDSA"),
  /** RSA with a 2048-bit modulus, signed with SHA-256. */
  RSA_2048("SHA256withRSA"),
  /** RSA with a 3072-bit modulus, signed with SHA-256. */
  RSA_3072("SHA256withRSA"),
  /** EdDSA on Curve25519. */
  ED25519("Ed25519");

  private final String signatureAlgorithm;

  KeyType(String signatureAlgorithm) {
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** The JCA signature algorithm a key of this type signs certificates with. */
  String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /** Generates a fresh key pair of this type with the JDK's providers. */
  KeyPair generate() {
    try {
      switch (this) {
        case EC_P256: {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"));
          return generator.generateKeyPair();
        }
        case RSA_2048:
        case RSA_3072: {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(this == RSA_2048 ? 2048 : 3072);
          return generator.generateKeyPair();
        }
        case ED25519:
          return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        default:
          throw new AssertionError(this);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
    }
  }

  /** The signature algorithm to sign with {@code key}'s algorithm ("EC", "RSA", "EdDSA"...). */
  static String signatureAlgorithmFor(String keyAlgorithm) {
    switch (keyAlgorithm) {
      case "EC":
        return "SHA256withECDSA";
      case "RSA":
        return "SHA256withRSA";
      case "EdDSA":
      case "Ed25519":
        return "Ed25519";
      case "Ed448":
        return "Ed448";
      case "RSASSA-PSS":
        return "RSASSA-PSS";
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + keyAlgorithm);
    }
  }
}
