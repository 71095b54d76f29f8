package dev.sockettoolkit.core;

import java.net.SocketException;

/**
 * The peer reset the connection (it aborted, or its process died), or wrote to a connection this
 * side had closed. Bytes in flight may have been lost; the connection is closed.
 *
 * <pre>{@code
 * try {
 *   connection.read(buffer);
 * } catch (ConnectionResetException e) {
 *   // the peer went away abruptly: reconnect, and resend what was not acknowledged
 * }
 * }</pre>
 */
public class ConnectionResetException extends SocketException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the peer. */
  public ConnectionResetException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming the peer and the low-level cause. */
  public ConnectionResetException(String message, Throwable cause) {
    super(message);
    initCause(cause);
  }
}
