package dev.sockettoolkit.core;

import dev.sockettoolkit.core.ProxyHeaderException.Rule;
import dev.sockettoolkit.core.internal.BoundaryWaits;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A {@link Server}'s PROXY protocol check, run on the connection's own thread before the handler:
 * only trusted proxies may connect, and each must start with a whole, valid header within the
 * timeout. The header is read before any TLS, so a TCP-mode proxy works with TLS servers.
 */
final class ProxyProtocolGate {
  private final ProxyProtocol accepted;
  private final TrustedProxies trusted;
  private final Duration timeout;

  ProxyProtocolGate(ProxyProtocol accepted, TrustedProxies trusted, Duration timeout) {
    this.accepted = accepted;
    this.trusted = trusted;
    this.timeout = timeout;
  }

  /**
   * Reads the header of {@code transport} and returns the connection as the proxy's client sees
   * it.
   *
   * @throws ProxyHeaderException naming the broken rule; the caller refuses the connection
   * @throws IOException if the transport failed
   */
  Connection open(Connection transport) throws IOException {
    SocketAddress peer = transport.remoteAddress();
    if (!trusted.trusts(peer)) {
      throw new ProxyHeaderException(
          Rule.UNTRUSTED_SOURCE,
          "not a trusted proxy; the server takes PROXY protocol connections only from " + trusted);
    }
    // Large enough for the largest header accepted, so the loop below always ends.
    ByteBuffer buffer = ByteBuffer.allocate(16 + ProxyHeader.MAX_V2_LENGTH);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ByteBuffer received = buffer.duplicate().flip();
      ProxyHeader header = ProxyHeaderCodec.parse(received, accepted, peer);
      if (header != null) {
        ByteBuffer early = ByteBuffer.allocate(received.remaining()).put(received).flip();
        return new ProxiedConnection(transport, header, early);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw timedOut(buffer.position());
      }
      int n;
      // Waiting for a header is waiting for the first message: a stopping server closes it at once.
      BoundaryWaits.Wait wait = BoundaryWaits.enter();
      try {
        n = transport.read(buffer, Duration.ofNanos(left));
      } catch (IOException e) {
        if (!BoundaryWaits.leave(wait)) {
          throw stopped();
        }
        if (e instanceof ConnectionTimeoutException t && t.kind() == ConnectionTimeoutException.Kind.READ) {
          throw timedOut(buffer.position());
        }
        throw e;
      }
      if (!BoundaryWaits.leave(wait)) {
        throw stopped();
      }
      if (n < 0) {
        throw new ProxyHeaderException(
            Rule.TRUNCATED,
            buffer.position() == 0
                ? "the connection ended before a PROXY header"
                : "the connection ended inside a PROXY header, after " + buffer.position() + " bytes");
      }
    }
  }

  private static ConnectionClosedException stopped() {
    return new ConnectionClosedException("the server stopped before the PROXY header arrived");
  }

  private ProxyHeaderException timedOut(int received) {
    return new ProxyHeaderException(
        Rule.TIMEOUT,
        "no whole PROXY header within " + ConnectionTimeoutException.format(timeout) + " ("
            + received + " bytes arrived); raise it with Server.Builder.proxyProtocolTimeout");
  }
}
