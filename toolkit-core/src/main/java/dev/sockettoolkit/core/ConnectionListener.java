package dev.sockettoolkit.core;

import java.net.SocketAddress;

/**
 * Hears about a {@link Server}'s connections as they come and go, for metrics and logs. Methods
 * are called on the thread where the event happens and must return quickly; an exception thrown
 * from one is logged and otherwise ignored.
 *
 * <pre>{@code
 * AtomicInteger open = new AtomicInteger();
 * Server server = Server.builder()
 *     .handler(handler)
 *     .listener(new ConnectionListener() {
 *       public void accepted(Connection c) { open.incrementAndGet(); }
 *       public void closed(Connection c) { open.decrementAndGet(); }
 *       public void failed(Connection c, Throwable t) { open.decrementAndGet(); }
 *     })
 *     .start();
 * }</pre>
 */
public interface ConnectionListener {
  /** A connection was accepted and its handler is about to run. */
  default void accepted(Connection connection) {}

  /** The handler returned normally and the connection was closed. */
  default void closed(Connection connection) {}

  /** The handler threw {@code failure}; the connection was closed. */
  default void failed(Connection connection, Throwable failure) {}

  /**
   * A connection from {@code remote} was refused straight after it was accepted, for {@code
   * reason} (the server was at its connection limit, or shutting down), or, with the PROXY
   * protocol on, before its handler ran: {@code reason} then names the {@link
   * ProxyHeaderException.Rule} it broke.
   */
  default void rejected(SocketAddress remote, String reason) {}
}
