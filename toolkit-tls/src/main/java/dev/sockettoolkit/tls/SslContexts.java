package dev.sockettoolkit.tls;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Turns a {@link TlsConfig} into a JSSE context and configured engines. */
final class SslContexts {
  private SslContexts() {}

  static SSLContext create(TlsConfig config) {
    try {
      KeyManager[] keyManagers =
          config.keyMaterial() == null && config.sniKeyMaterial().isEmpty()
              ? null
              : new KeyManager[] {new SniKeyManager(config.keyMaterial(), config.sniKeyMaterial())};
      X509ExtendedTrustManager trustManager = config.trust().trustManager();
      if (config.revocation() != null) {
        trustManager = new RevocationTrustManager(trustManager, config.revocation());
      }
      if (!config.pinBytes().isEmpty()) {
        trustManager = new PinningTrustManager(trustManager, config.pinBytes());
      }
      Provider provider = config.provider().orElse(null);
      if (provider != null) {
        trustManager = new ProviderNeutralTrustManager(trustManager);
      }
      SSLContext context =
          provider == null ? SSLContext.getInstance("TLS") : SSLContext.getInstance("TLS", provider);
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      // Checks, at build time, that the provider can enforce the policy: every configured
      // protocol, and at least one of the cipher suites.
      SSLEngine probe = context.createSSLEngine();
      String who = "the TLS provider " + TlsProviders.describe(provider);
      List<String> supportedProtocols = Arrays.asList(probe.getSupportedProtocols());
      for (String protocol : config.protocols()) {
        if (!supportedProtocols.contains(protocol)) {
          throw new IllegalStateException(
              who + " does not support " + protocol + " (it supports " + supportedProtocols
                  + "); enable only protocols it supports, or choose another provider");
        }
      }
      List<String> supportedSuites = Arrays.asList(probe.getSupportedCipherSuites());
      List<String> missing = new ArrayList<>(config.cipherSuites());
      missing.removeAll(supportedSuites);
      if (missing.size() == config.cipherSuites().size()) {
        throw new IllegalStateException(who + " supports none of the cipher suites " + config.cipherSuites());
      }
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e, e);
    }
  }

  /** A new engine; {@code host} and {@code port} name the server for a client (may be null, -1). */
  static SSLEngine engine(TlsConfig config, String host, int port) {
    SSLContext context = config.sslContext();
    SSLEngine engine =
        host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
    engine.setUseClientMode(config.isClient());
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(config.protocols().toArray(new String[0]));
    List<String> supported = Arrays.asList(engine.getSupportedCipherSuites());
    List<String> suites = new ArrayList<>();
    for (String suite : config.cipherSuites()) {
      if (supported.contains(suite)) {
        suites.add(suite);
      }
    }
    parameters.setCipherSuites(suites.toArray(new String[0]));
    parameters.setUseCipherSuitesOrder(true);
    // RFC 9155: no SHA-1 signatures in the handshake, either way, under TLS 1.2 (1.3 has none).
    parameters.setAlgorithmConstraints(NoSha1Signatures.INSTANCE);
    if (!config.alpn().isEmpty()) {
      parameters.setApplicationProtocols(config.alpn().toArray(new String[0]));
    }
    if (config.isClient()) {
      List<SNIServerName> names = new ArrayList<>();
      if (host != null && !Certificates.isIpLiteral(host)) {
        try {
          names.add(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
          // Not a valid DNS name (e.g. contains '_'): send no SNI, still verify the name.
        }
      }
      parameters.setServerNames(names);
      if (config.hostnameVerification() && !config.trust().isInsecure()) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
    } else {
      switch (config.clientAuth()) {
        case REQUIRED:
          parameters.setNeedClientAuth(true);
          break;
        case OPTIONAL:
          parameters.setWantClientAuth(true);
          break;
        default:
          parameters.setNeedClientAuth(false);
          parameters.setWantClientAuth(false);
      }
    }
    engine.setSSLParameters(parameters);
    engine.setEnableSessionCreation(true);
    return engine;
  }
}
