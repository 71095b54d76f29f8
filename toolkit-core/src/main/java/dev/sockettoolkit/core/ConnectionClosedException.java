package dev.sockettoolkit.core;

import java.net.SocketException;

/**
 * An operation was attempted on a connection that this side already closed or aborted, or that
 * was closed by another thread while the operation was blocked.
 *
 * <pre>{@code
 * connection.close();
 * connection.write(buffer); // throws ConnectionClosedException
 * }</pre>
 */
public class ConnectionClosedException extends SocketException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what was attempted and why it failed. */
  public ConnectionClosedException(String message) {
    super(message);
  }
}
