package dev.sockettoolkit.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * What a finished handshake agreed on, as an immutable snapshot: protocol version, cipher suite,
 * ALPN result and the peer's verified identity.
 *
 * <pre>{@code
 * TlsSession session = tls.session();
 * System.out.println(session.protocol() + " " + session.cipherSuite());   // TLSv1.3 TLS_AES_128_GCM_SHA256
 * if (session.applicationProtocol().equals("h2")) { ... }
 * session.peerPrincipal().ifPresent(who -> log("client " + who));
 * }</pre>
 */
public final class TlsSession {
  private final String protocol;
  private final String cipherSuite;
  private final String applicationProtocol;
  private final List<X509Certificate> peerCertificates;
  private final String requestedServerName;

  private TlsSession(
      String protocol,
      String cipherSuite,
      String applicationProtocol,
      List<X509Certificate> peerCertificates,
      String requestedServerName) {
    this.protocol = protocol;
    this.cipherSuite = cipherSuite;
    this.applicationProtocol = applicationProtocol;
    this.peerCertificates = peerCertificates;
    this.requestedServerName = requestedServerName;
  }

  static TlsSession of(SSLEngine engine) {
    SSLSession session = engine.getSession();
    List<X509Certificate> peer = new ArrayList<>();
    try {
      for (Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate) {
          peer.add((X509Certificate) certificate);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      // No peer certificate: a server without client authentication.
    }
    String alpn = engine.getApplicationProtocol();
    return new TlsSession(
        session.getProtocol(),
        session.getCipherSuite(),
        alpn == null ? "" : alpn,
        List.copyOf(peer),
        engine.getUseClientMode() ? null : SniKeyManager.requestedHostName(session));
  }

  /** The negotiated protocol version, {@code "TLSv1.3"} or {@code "TLSv1.2"}. */
  public String protocol() {
    return protocol;
  }

  /** The negotiated cipher suite, such as {@code "TLS_AES_128_GCM_SHA256"}. */
  public String cipherSuite() {
    return cipherSuite;
  }

  /**
   * The application protocol agreed through ALPN, or the empty string (never null) when either
   * side did not use ALPN.
   */
  public String applicationProtocol() {
    return applicationProtocol;
  }

  /**
   * The peer's certificate chain as it sent it, leaf first and verified; empty when the peer sent
   * none (a client of a server without client authentication).
   */
  public List<X509Certificate> peerCertificates() {
    return peerCertificates;
  }

  /** The subject of the peer's certificate, or empty when the peer sent none. */
  public Optional<X500Principal> peerPrincipal() {
    return peerCertificates.isEmpty()
        ? Optional.empty()
        : Optional.of(peerCertificates.get(0).getSubjectX500Principal());
  }

  /**
   * The DNS names, IP addresses, e-mail addresses and URIs in the peer certificate's
   * subjectAltName, as text; empty when the peer sent no certificate or it has none.
   */
  public List<String> peerSubjectAlternativeNames() {
    return peerCertificates.isEmpty()
        ? List.of()
        : Certificates.subjectAlternativeNames(peerCertificates.get(0));
  }

  /** On a server, the host name the client asked for through SNI; empty on a client or without SNI. */
  public Optional<String> requestedServerName() {
    return Optional.ofNullable(requestedServerName);
  }

  @Override
  public String toString() {
    return "TlsSession{" + protocol + ", " + cipherSuite
        + (applicationProtocol.isEmpty() ? "" : ", alpn=" + applicationProtocol)
        + peerPrincipal().map(p -> ", peer=" + p).orElse("") + "}";
  }
}
