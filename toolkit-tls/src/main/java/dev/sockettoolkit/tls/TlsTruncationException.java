package dev.sockettoolkit.tls;

import java.io.EOFException;

/**
 * The peer's end of the stream arrived without a TLS {@code close_notify}: the data read so far
 * may be cut short, by a crashed peer or by an attacker who closed the TCP connection. A clean
 * close (the peer sent close_notify) is reported as end of stream (-1) instead.
 *
 * <pre>{@code
 * try {
 *   while (tls.read(buffer) != -1) { ... }      // -1: the peer closed cleanly, all data arrived
 * } catch (TlsTruncationException e) {
 *   // the stream was cut: do not treat what arrived as complete
 * }
 * }</pre>
 */
public class TlsTruncationException extends EOFException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the peer. */
  public TlsTruncationException(String message) {
    super(message);
  }
}
