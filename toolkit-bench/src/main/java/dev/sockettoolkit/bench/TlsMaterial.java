package dev.sockettoolkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's key and certificate chain, and the CA that clients trust, shared by every stack so
 * all of them do the same handshake. The benchmark process creates it and hands it to the server
 * JVMs as a PKCS#12 file.
 */
final class TlsMaterial {
  private static final String ALIAS = "server";
  private static final char[] PASSWORD = "bench-only".toCharArray();

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final X509Certificate ca;

  TlsMaterial(PrivateKey key, X509Certificate[] chain, X509Certificate ca) {
    this.key = key;
    this.chain = chain.clone();
    this.ca = ca;
  }

  PrivateKey key() {
    return key;
  }

  /** The server's certificate first, then its issuers. */
  X509Certificate[] chain() {
    return chain.clone();
  }

  /** The certificate clients trust. */
  X509Certificate ca() {
    return ca;
  }

  /** Writes key, chain and CA to a PKCS#12 file only this benchmark reads. */
  void save(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, key, PASSWORD, chain);
    store.setCertificateEntry("ca", ca);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
  }

  static TlsMaterial load(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    Certificate[] certificates = store.getCertificateChain(ALIAS);
    X509Certificate[] chain =
        Arrays.stream(certificates).map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    return new TlsMaterial(
        (PrivateKey) store.getKey(ALIAS, PASSWORD), chain, (X509Certificate) store.getCertificate("ca"));
  }

  /** A JDK server context (TLS 1.3 is set on each socket or engine). */
  SSLContext serverContext() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(ALIAS, key, PASSWORD, chain);
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** A JDK client context trusting only {@link #ca()}. */
  SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
