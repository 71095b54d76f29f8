package dev.sockettoolkit.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * What a finished handshake agreed on, as an immutable value: protocol version, cipher suite,
 * ALPN result and the peer's verified identity.
 *
 * <pre>{@code
 * TlsSession session = tls.session();
 * System.out.println(session.protocol() + " " + session.cipherSuite());   // TLSv1.3 TLS_AES_128_GCM_SHA256
 * if (session.applicationProtocol().equals("h2")) { ... }
 * session.peerPrincipal().ifPresent(who -> log("client " + who));
 * }</pre>
 *
 * @param protocol the negotiated protocol version, {@code "TLSv1.3"} or {@code "TLSv1.2"}
 * @param cipherSuite the negotiated cipher suite, such as {@code "TLS_AES_128_GCM_SHA256"}
 * @param applicationProtocol the application protocol agreed through ALPN, or the empty string
 *     (never null) when either side did not use ALPN
 * @param peerCertificates the peer's certificate chain as it sent it, leaf first and verified;
 *     empty when the peer sent none (a client of a server without client authentication)
 * @param requestedServerName on a server, the host name the client asked for through SNI; empty
 *     on a client or without SNI
 */
public record TlsSession(
    String protocol,
    String cipherSuite,
    String applicationProtocol,
    List<X509Certificate> peerCertificates,
    Optional<String> requestedServerName) {

  /** Checks the components and keeps an unmodifiable copy of the certificates. */
  public TlsSession {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    Objects.requireNonNull(applicationProtocol, "applicationProtocol");
    peerCertificates = List.copyOf(peerCertificates);
    Objects.requireNonNull(requestedServerName, "requestedServerName");
  }

  /**
   * The session of {@code engine} after its handshake; {@code requestedDuringHandshake} is the SNI
   * name seen in the handshake session, for providers whose final session does not keep it
   * (Bouncy Castle JSSE).
   */
  static TlsSession of(SSLEngine engine, String requestedDuringHandshake) {
    SSLSession session = engine.getSession();
    List<X509Certificate> peer = new ArrayList<>();
    try {
      for (Certificate certificate : session.getPeerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          peer.add(x509);
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
        peer,
        Optional.ofNullable(
            engine.getUseClientMode() ? null : requestedName(session, requestedDuringHandshake)));
  }

  private static String requestedName(SSLSession session, String requestedDuringHandshake) {
    try {
      String requested = SniKeyManager.requestedHostName(session);
      return requested != null ? requested : requestedDuringHandshake;
    } catch (UnsupportedOperationException e) {
      return requestedDuringHandshake;
    }
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

  @Override
  public String toString() {
    return "TlsSession{" + protocol + ", " + cipherSuite
        + (applicationProtocol.isEmpty() ? "" : ", alpn=" + applicationProtocol)
        + peerPrincipal().map(p -> ", peer=" + p).orElse("") + "}";
  }
}
