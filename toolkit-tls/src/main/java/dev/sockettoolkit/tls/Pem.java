package dev.sockettoolkit.tls;

import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads and writes PEM with BouncyCastle. Keys come out as JDK key objects (never BouncyCastle's),
 * so JSSE can sign with them; BouncyCastle's provider is used, uninstalled, only to decrypt.
 */
final class Pem {
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private Pem() {}

  /** Every certificate in {@code file}, in order; other PEM objects are ignored. */
  static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object;
      while ((object = nextObject(parser, file)) != null) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException e) {
      throw new KeyMaterialException(
          Reason.UNREADABLE, "cannot parse a certificate in " + file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new KeyMaterialException(
          Reason.MISSING,
          "no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
    }
    return certificates;
  }

  /**
   * The first private key in {@code file}: PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC, OpenSSL
   * legacy encrypted, Ed25519. {@code password} may be null for unencrypted keys.
   */
  static PrivateKey readPrivateKey(Path file, char[] password) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object;
      boolean sawCertificate = false;
      while ((object = nextObject(parser, file)) != null) {
        PrivateKeyInfo info;
        if (object instanceof PrivateKeyInfo) {
          info = (PrivateKeyInfo) object;
        } else if (object instanceof PEMKeyPair keyPair) {
          info = keyPair.getPrivateKeyInfo();
        } else if (object instanceof PKCS8EncryptedPrivateKeyInfo encryptedInfo) {
          requirePassword(password, file);
          try {
            info =
                encryptedInfo
                    .decryptPrivateKeyInfo(
                        new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password));
          } catch (Exception e) {
            throw wrongPassword(file, e);
          }
        } else if (object instanceof PEMEncryptedKeyPair encryptedKeyPair) {
          requirePassword(password, file);
          try {
            info =
                encryptedKeyPair
                    .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))
                    .getPrivateKeyInfo();
          } catch (Exception e) {
            throw wrongPassword(file, e);
          }
        } else {
          sawCertificate |= object instanceof X509CertificateHolder;
          continue;
        }
        return toJdkKey(info, file);
      }
      throw new KeyMaterialException(
          Reason.MISSING,
          "no private key in " + file
              + (sawCertificate ? " (it holds certificates: pass the key file, not the chain)" : "")
              + "; expected -----BEGIN PRIVATE KEY-----, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY"
              + " or EC PRIVATE KEY");
    }
  }

  private static Object nextObject(PEMParser parser, Path file) throws IOException {
    try {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeyMaterialException(
          Reason.UNSUPPORTED_FORMAT,
          "cannot parse PEM in " + file + ": " + e.getMessage()
              + " (PEM text with -----BEGIN ...----- blocks is expected; convert DER with"
              + " 'openssl x509 -inform der' or 'openssl pkey -inform der')",
          e);
    }
  }

  private static void requirePassword(char[] password, Path file) throws KeyMaterialException {
    if (password == null) {
      throw new KeyMaterialException(
          Reason.PASSWORD_REQUIRED,
          "the private key in " + file + " is encrypted: pass its password");
    }
  }

  private static KeyMaterialException wrongPassword(Path file, Exception e) {
    return new KeyMaterialException(
        Reason.WRONG_PASSWORD,
        "cannot decrypt the private key in " + file + ": wrong password (or a corrupt key)",
        e);
  }

  /** Re-creates {@code info} as a JDK key, so JSSE's own signature providers accept it. */
  static PrivateKey toJdkKey(PrivateKeyInfo info, Path file) throws IOException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      algorithm = "RSA";
    } else if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      algorithm = "RSASSA-PSS";
    } else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      algorithm = "EC";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      algorithm = "Ed25519";
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
      algorithm = "Ed448";
    } else {
      throw new KeyMaterialException(
          Reason.UNSUPPORTED_FORMAT,
          "unsupported private key algorithm " + oid + " in " + file
              + "; use RSA, EC (P-256/P-384/P-521) or Ed25519");
    }
    try {
      return KeyFactory.getInstance(algorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(
          Reason.UNSUPPORTED_FORMAT,
          "this JVM cannot use the " + algorithm + " private key in " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** PEM text of {@code objects}: certificates as CERTIFICATE, private keys as PKCS#8. */
  static String encode(List<?> objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof ECPrivateKey ec) {
          writer.writeObject(new PemObject("PRIVATE KEY", ecPkcs8WithPublicKey(ec)));
        } else if (object instanceof PrivateKey) {
          writer.writeObject(new JcaPKCS8Generator((PrivateKey) object, null));
        } else {
          writer.writeObject(object);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    return text.toString();
  }

  /**
   * The PKCS#8 encoding of an EC key whose RFC 5915 ECPrivateKey carries the optional {@code [1]
   * publicKey}, as OpenSSL writes it. The JDK leaves it out, and GnuTLS refuses such keys ("ASN1
   * parser: Element was not found"); the public point is d·G on the key's named curve.
   */
  static byte[] ecPkcs8WithPublicKey(ECPrivateKey key) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    X9ECParameters curve = null;
    if (algorithm.getParameters() instanceof ASN1ObjectIdentifier curveOid) {
      curve = ECNamedCurveTable.getByOID(curveOid);
    }
    if (curve == null) {
      // Explicit or unknown curve parameters: nothing GnuTLS would load either; keep the JDK's form.
      return info.getEncoded();
    }
    BigInteger d = key.getS();
    ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            curve.getN().bitLength(), d, new DERBitString(q.getEncoded(false)), null);
    return new PrivateKeyInfo(algorithm, inner).getEncoded(ASN1Encoding.DER);
  }

  /**
   * Writes {@code text} to {@code file} through a temporary file and a rename, so a watcher never
   * reads half a file; {@code secret} files are readable by their owner only where the file
   * system has POSIX permissions.
   */
  static void write(Path file, String text, boolean secret) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory != null) {
      Files.createDirectories(directory);
    }
    Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
    try {
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(temporary, text, StandardCharsets.US_ASCII);
      Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
