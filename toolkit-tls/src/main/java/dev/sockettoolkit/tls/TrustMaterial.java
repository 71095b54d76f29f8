package dev.sockettoolkit.tls;

import static com.google.common.base.Preconditions.checkArgument;

import dev.sockettoolkit.tls.KeyMaterialException.Reason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificate authorities a peer's certificate must chain to. Immutable.
 *
 * <pre>{@code
 * TrustMaterial internalCa = TrustMaterial.fromPem(Path.of("ca.pem"));
 * TlsConfig client = TlsConfig.client().trust(internalCa).build();
 * }</pre>
 *
 * <p>{@link #system()} is the JVM's default trust store (the public web PKI). {@link
 * #insecureTrustAll()} accepts any certificate and exists for tests and throw-away tools only;
 * it logs a warning every time it is created.
 */
public final class TrustMaterial {
  private static final System.Logger LOG = System.getLogger(TrustMaterial.class.getName());

  private enum Kind {
    ANCHORS,
    SYSTEM,
    INSECURE
  }

  private final Kind kind;
  private final List<X509Certificate> anchors;

  private TrustMaterial(Kind kind, List<X509Certificate> anchors) {
    this.kind = kind;
    // An immutable copy: certificates() hands this list out, and TLS configs built later read it.
    this.anchors = List.copyOf(anchors);
  }

  /** Trusts exactly {@code authorities} (CA certificates, or self-signed peer certificates). */
  public static TrustMaterial of(X509Certificate... authorities) {
    Objects.requireNonNull(authorities, "authorities");
    checkArgument(authorities.length > 0, "no certificates to trust");
    return new TrustMaterial(Kind.ANCHORS, List.of(authorities));
  }

  /** Trusts exactly {@code authorities}. */
  public static TrustMaterial of(List<X509Certificate> authorities) {
    return of(authorities.toArray(new X509Certificate[0]));
  }

  /** Trusts every certificate in a PEM bundle, such as {@code ca.pem} or {@code ca-bundle.crt}. */
  public static TrustMaterial fromPem(Path caBundle) throws IOException {
    Objects.requireNonNull(caBundle, "caBundle");
    return new TrustMaterial(Kind.ANCHORS, Pem.readCertificates(caBundle));
  }

  /** Trusts every certificate in a PKCS#12 keystore (trusted entries and key entries' chains). */
  public static TrustMaterial fromPkcs12(Path keystore, char[] password) throws IOException {
    return fromKeyStore("PKCS12", keystore, password);
  }

  /** Trusts every certificate in a JKS keystore, such as a Java {@code cacerts} copy. */
  public static TrustMaterial fromJks(Path keystore, char[] password) throws IOException {
    return fromKeyStore("JKS", keystore, password);
  }

  private static TrustMaterial fromKeyStore(String type, Path file, char[] password)
      throws IOException {
    Objects.requireNonNull(file, "keystore");
    KeyStore store = KeyMaterial.KeyStores.load(type, file, password);
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        Certificate certificate = store.getCertificate(alias);
        if (certificate instanceof X509Certificate) {
          certificates.add((X509Certificate) certificate);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(Reason.UNREADABLE, "cannot read " + file + ": " + e, e);
    }
    if (certificates.isEmpty()) {
      throw new KeyMaterialException(Reason.MISSING, "no certificate in " + file);
    }
    return new TrustMaterial(Kind.ANCHORS, List.copyOf(certificates));
  }

  /** The JVM's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
  public static TrustMaterial system() {
    return new TrustMaterial(Kind.SYSTEM, List.of());
  }

  /**
   * Accepts every certificate, from anyone: no protection against an attacker in the middle.
   * For tests and throw-away tools only. Logs a warning. Pins set with {@link
   * TlsConfig.ClientBuilder#pinSha256} are still checked, which makes "trust this one key" setups
   * possible without a CA.
   */
  public static TrustMaterial insecureTrustAll() {
    LOG.log(
        Level.WARNING,
        "TrustMaterial.insecureTrustAll(): certificates will NOT be verified; anyone can"
            + " impersonate the peer. Use it for tests only.");
    return new TrustMaterial(Kind.INSECURE, List.of());
  }

  /** The trusted certificates; empty for {@link #system()} and {@link #insecureTrustAll()}. */
  public List<X509Certificate> certificates() {
    return anchors;
  }

  /** Whether this is {@link #insecureTrustAll()}. */
  public boolean isInsecure() {
    return kind == Kind.INSECURE;
  }

  /** A JDK PKIX trust manager over these anchors (it checks host names when asked to). */
  X509ExtendedTrustManager trustManager() {
    if (kind == Kind.INSECURE) {
      return new TrustAll();
    }
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (kind == Kind.SYSTEM) {
        factory.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (X509Certificate anchor : anchors) {
          store.setCertificateEntry("anchor-" + i++, anchor);
        }
        factory.init(store);
      }
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager) {
          return (X509ExtendedTrustManager) manager;
        }
      }
      throw new IllegalStateException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e, e);
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case SYSTEM:
        return "TrustMaterial{system}";
      case INSECURE:
        return "TrustMaterial{INSECURE trust-all}";
      default:
        return "TrustMaterial{" + anchors.size() + " certificate(s)}";
    }
  }

  /** Accepts every chain; see {@link #insecureTrustAll()}. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
