package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.SocketAddress;

/** What a {@link Server} listens with: a socket, or a name in memory. */
interface Listening {
  /** The address bound. */
  SocketAddress localAddress();

  /** Whether it still accepts. */
  boolean isOpen();

  /**
   * Blocks for the next connection; null once closed.
   *
   * @throws IOException if accepting failed (the server logs it and tries again)
   */
  Accepted accept() throws IOException;

  /** Stops accepting; a thread blocked in {@link #accept()} returns null. */
  void close();

  /** A connection accepted and not yet set up. */
  interface Accepted {
    /** The peer's address, for a refusal. */
    SocketAddress remoteAddress();

    /** The connection, set up with the server's options. */
    Connection open() throws IOException;

    /** Refuses it with a reset. */
    void refuse();
  }
}
