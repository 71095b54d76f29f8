package dev.sockettoolkit.cli;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionListener;
import dev.sockettoolkit.core.ProxyHeader;
import java.io.PrintWriter;
import java.net.SocketAddress;

/**
 * {@code toolkit serve --log-connections}: one line per accepted connection on standard output,
 * {@code accepted CLIENT_HOST:PORT}, or {@code accepted CLIENT_HOST:PORT via PROXY_HOST:PORT}
 * when it came through a PROXY protocol proxy; the other events go to the wrapped listener.
 */
final class ConnectionLog implements ConnectionListener {
  private final ConnectionListener next;
  private final PrintWriter out;

  ConnectionLog(ConnectionListener next, PrintWriter out) {
    this.next = next;
    this.out = out;
  }

  static String line(Connection connection) {
    String line = "accepted " + ServeCommand.peer(connection.remoteAddress());
    SocketAddress proxy =
        connection.proxyHeader()
            .filter(h -> h.source().isPresent())
            .flatMap(ProxyHeader::receivedFrom)
            .orElse(null);
    return proxy == null ? line : line + " via " + ServeCommand.peer(proxy);
  }

  @Override
  public void accepted(Connection connection) {
    String line = line(connection);
    synchronized (out) {
      out.println(line);
      out.flush();
    }
    next.accepted(connection);
  }

  @Override
  public void closed(Connection connection) {
    next.closed(connection);
  }

  @Override
  public void failed(Connection connection, Throwable failure) {
    next.failed(connection, failure);
  }

  @Override
  public void rejected(SocketAddress remote, String reason) {
    next.rejected(remote, reason);
  }
}
