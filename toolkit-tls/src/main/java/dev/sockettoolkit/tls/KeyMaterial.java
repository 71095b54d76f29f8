package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A private key and the certificate chain that proves it: what a server presents, or a client
 * presents for mutual TLS. Immutable.
 *
 * <pre>{@code
 * KeyMaterial server = KeyMaterial.fromPem(Path.of("chain.pem"), Path.of("key.pem"));
 * TlsConfig config = TlsConfig.server(server).build();
 * }</pre>
 *
 * <p>The file loaders read PEM private keys in PKCS#8, encrypted PKCS#8, PKCS#1 RSA ({@code
 * BEGIN RSA PRIVATE KEY}), SEC1 EC ({@code BEGIN EC PRIVATE KEY}), OpenSSL's legacy encrypted
 * form ({@code Proc-Type: 4,ENCRYPTED}) and Ed25519, and PKCS#12 and JKS keystores. They check
 * that the key matches the first certificate and that the certificate is valid now, and fail
 * with a {@link KeyMaterialException} naming the file and the problem otherwise. {@link #of}
 * checks only that key and certificate match, so tests can build deliberately expired material.
 */
public final class KeyMaterial {
  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.chain = chain;
  }

  /**
   * Key material from a private key and its chain, leaf first. Checks that the key matches the
   * leaf certificate, not the validity dates.
   *
   * @throws IllegalArgumentException if the chain is empty or the key does not match the leaf
   */
  public static KeyMaterial of(PrivateKey privateKey, List<X509Certificate> chain) {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(chain, "chain");
    checkArgument(!chain.isEmpty(), "the certificate chain is empty");
    List<X509Certificate> copy = List.copyOf(chain);
    checkArgument(
        matches(privateKey, copy.get(0)),
        "the %s private key does not match the certificate %s",
        privateKey.getAlgorithm(),
        copy.get(0).getSubjectX500Principal());
    return new KeyMaterial(privateKey, copy);
  }

  /** Loads an unencrypted PEM private key and a PEM chain (leaf first, then intermediates). */
  public static KeyMaterial fromPem(Path certificateChain, Path privateKey) throws IOException {
    return fromPem(certificateChain, privateKey, null);
  }

  /**
   * Loads a PEM chain and a PEM private key encrypted with {@code password} (encrypted PKCS#8 or
   * OpenSSL legacy); a null password reads an unencrypted key.
   */
  public static KeyMaterial fromPem(Path certificateChain, Path privateKey, char[] password)
      throws IOException {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    List<X509Certificate> chain = Pem.readCertificates(certificateChain);
    PrivateKey key = Pem.readPrivateKey(privateKey, password);
    return checked(key, chain, privateKey + " and " + certificateChain);
  }

  /** Loads the first key entry of a PKCS#12 keystore; the key's password is the store's. */
  public static KeyMaterial fromPkcs12(Path keystore, char[] password) throws IOException {
    return fromKeyStore("PKCS12", keystore, password, password);
  }

  /** Loads the first key entry of a JKS keystore with the same store and key password. */
  public static KeyMaterial fromJks(Path keystore, char[] password) throws IOException {
    return fromKeyStore("JKS", keystore, password, password);
  }

  /** Loads the first key entry of a JKS keystore whose key has its own password. */
  public static KeyMaterial fromJks(Path keystore, char[] storePassword, char[] keyPassword)
      throws IOException {
    return fromKeyStore("JKS", keystore, storePassword, keyPassword);
  }

  private static KeyMaterial fromKeyStore(
      String type, Path file, char[] storePassword, char[] keyPassword) throws IOException {
    Objects.requireNonNull(file, "keystore");
    KeyStore store = KeyStores.load(type, file, storePassword);
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        PrivateKey key;
        try {
          key = (PrivateKey) store.getKey(alias, keyPassword);
        } catch (UnrecoverableKeyException e) {
          throw new KeyMaterialException(
              Reason.WRONG_PASSWORD,
              "cannot recover key '" + alias + "' in " + file + ": wrong key password",
              e);
        }
        Certificate[] certificates = store.getCertificateChain(alias);
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
          chain.add((X509Certificate) certificate);
        }
        if (chain.isEmpty()) {
          throw new KeyMaterialException(
              Reason.MISSING, "key '" + alias + "' in " + file + " has no certificate chain");
        }
        return checked(key, chain, file.toString());
      }
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(
          Reason.UNREADABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
    throw new KeyMaterialException(
        Reason.MISSING, "no private key entry in " + file + " (only trusted certificates)");
  }

  private static KeyMaterial checked(PrivateKey key, List<X509Certificate> chain, String source)
      throws KeyMaterialException {
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf)) {
      throw new KeyMaterialException(
          Reason.KEY_MISMATCH,
          "the private key does not belong to the certificate "
              + leaf.getSubjectX500Principal() + " (" + source + "): the files are from different"
              + " key pairs, or the chain does not start with the leaf certificate");
    }
    checkValidity(leaf, source);
    return new KeyMaterial(key, List.copyOf(chain));
  }

  static void checkValidity(X509Certificate certificate, String source) throws KeyMaterialException {
    try {
      certificate.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new KeyMaterialException(
          Reason.EXPIRED,
          "the certificate " + certificate.getSubjectX500Principal() + " (" + source
              + ") expired on " + certificate.getNotAfter().toInstant() + ": issue a new one",
          e);
    } catch (CertificateNotYetValidException e) {
      throw new KeyMaterialException(
          Reason.NOT_YET_VALID,
          "the certificate " + certificate.getSubjectX500Principal() + " (" + source
              + ") is not valid before " + certificate.getNotBefore().toInstant()
              + ": check this machine's clock",
          e);
    }
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm();
    if (algorithm.equals("RSASSA-PSS")) {
      return certificate.getPublicKey().getAlgorithm().equals(algorithm);
    }
    try {
      String signatureAlgorithm = KeyType.signatureAlgorithmFor(algorithm);
      byte[] challenge = "socket toolkit key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate chain, leaf first; never empty. */
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  /** The leaf certificate: the first of the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  @Override
  public String toString() {
    return "KeyMaterial{" + certificate().getSubjectX500Principal() + ", "
        + privateKey.getAlgorithm() + ", chain of " + chain.size() + "}";
  }

  /** Keystore loading shared with {@link TrustMaterial}. */
  static final class KeyStores {
    private KeyStores() {}

    static KeyStore load(String type, Path file, char[] password) throws IOException {
      InputStream opened = Files.newInputStream(file);
      try (InputStream in = opened) {
        KeyStore store = KeyStore.getInstance(type);
        store.load(in, password);
        return store;
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException
            || String.valueOf(e.getMessage()).contains("password")) {
          throw new KeyMaterialException(
              Reason.WRONG_PASSWORD, "cannot open " + type + " keystore " + file
                  + ": wrong password", e);
        }
        throw new KeyMaterialException(
            Reason.UNSUPPORTED_FORMAT,
            "cannot read " + file + " as a " + type + " keystore: " + e.getMessage(), e);
      } catch (GeneralSecurityException e) {
        throw new KeyMaterialException(
            Reason.UNREADABLE, "cannot read " + type + " keystore " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
