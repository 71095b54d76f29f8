package dev.sockettoolkit.core;

/**
 * Which versions of the PROXY protocol (HAProxy's specification) a {@link Server} accepts in
 * front of each connection from a trusted proxy, or a {@link ProxyHeader} is written in.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .bind("0.0.0.0", 7000)
 *     .proxyProtocol(ProxyProtocol.V2, List.of("10.0.0.0/8"))   // only the load balancers
 *     .handler(connection -> log(connection.remoteAddress()))   // the original client
 *     .start();
 * }</pre>
 */
public enum ProxyProtocol {
  /** The text header, {@code PROXY TCP4 ...\r\n}, at most 107 bytes. */
  V1,
  /** The binary header with optional TLVs (ALPN, authority, SSL, unique id). */
  V2,
  /** Either version, told apart by the first byte; for reading only. */
  ANY
}
