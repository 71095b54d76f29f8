package dev.sockettoolkit.tls;

/**
 * Whether a TLS server asks clients for a certificate (mutual TLS).
 *
 * <pre>{@code
 * TlsConfig config = TlsConfig.server(serverKey)
 *     .clientAuth(ClientAuth.REQUIRED)
 *     .trust(TrustMaterial.fromPem(Path.of("client-ca.pem")))
 *     .build();
 * }</pre>
 */
public enum ClientAuth {
  /** Clients are not asked for a certificate. The default. */
  NONE,
  /** Clients are asked; one that sends none is accepted, one that sends an untrusted one is not. */
  OPTIONAL,
  /** Clients must present a certificate that chains to the server's client trust. */
  REQUIRED
}
