package dev.sockettoolkit.tls;

/**
 * Serves one TLS connection whose handshake already succeeded; see {@link
 * TlsConnection#serverHandler}.
 *
 * <pre>{@code
 * TlsHandler hello = connection -> {
 *   String who = connection.session().peerPrincipal().map(Object::toString).orElse("anonymous");
 *   connection.write(ByteBuffer.wrap(("hello " + who + "\n").getBytes(StandardCharsets.UTF_8)));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface TlsHandler {
  /** Serves {@code connection} until done; the caller closes it (sending close_notify) afterwards. */
  void handle(TlsConnection connection) throws Exception;
}
