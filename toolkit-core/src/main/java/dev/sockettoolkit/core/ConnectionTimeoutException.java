package dev.sockettoolkit.core;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * A timeout fired. {@link #kind()} says which one and {@link #timeout()} its configured value, so
 * the message can tell the user which setting to raise.
 *
 * <pre>{@code
 * try {
 *   connection.read(buffer);
 * } catch (ConnectionTimeoutException e) {
 *   if (e.kind() == ConnectionTimeoutException.Kind.READ) {
 *     // the connection is still open: try again, or give up
 *   }
 * }
 * }</pre>
 *
 * <p>A {@link Kind#READ} timeout leaves the connection open. Every other kind closes it: a write
 * that timed out may have sent part of its bytes, and an idle or handshake timeout is the signal to
 * drop the peer.
 */
public class ConnectionTimeoutException extends SocketTimeoutException {
  private static final long serialVersionUID = 1L;

  /** Which timeout fired. */
  public enum Kind {
    /** Establishing the connection took longer than the connect timeout. */
    CONNECT("connect", "ConnectionOptions.Builder.connectTimeout"),
    /** No byte arrived within the read timeout. */
    READ("read", "ConnectionOptions.Builder.readTimeout (or the timeout passed to the call)"),
    /** The peer did not take written bytes within the write timeout. */
    WRITE("write", "ConnectionOptions.Builder.writeTimeout"),
    /** Neither side sent or received anything within the idle timeout. */
    IDLE("idle", "ConnectionOptions.Builder.idleTimeout"),
    /** A protocol handshake (TLS) did not finish within its timeout. */
    HANDSHAKE("handshake", "the handshake timeout of the protocol layer"),
    /** Nothing at all arrived within a message channel's heartbeat timeout: the peer is stalled or gone. */
    HEARTBEAT("heartbeat", "Heartbeat.timeout in toolkit-framing");

    private final String label;
    private final String setting;

    Kind(String label, String setting) {
      this.label = label;
      this.setting = setting;
    }
  }

  private final Kind kind;
  private final Duration timeout;

  /**
   * Creates the exception for a timeout of {@code kind} with its configured {@code timeout}; {@code
   * detail} (may be null) says what was being waited for.
   */
  public ConnectionTimeoutException(Kind kind, Duration timeout, String detail) {
    super(message(kind, timeout, detail));
    this.kind = kind;
    this.timeout = timeout;
  }

  /** As {@link #ConnectionTimeoutException(Kind, Duration, String)}, with the low-level cause. */
  public ConnectionTimeoutException(Kind kind, Duration timeout, String detail, Throwable cause) {
    this(kind, timeout, detail);
    initCause(cause);
  }

  private static String message(Kind kind, Duration timeout, String detail) {
    return String.format(
        Locale.ROOT,
        "%s timeout of %s fired%s; raise it with %s if the peer is slow but alive",
        kind.label,
        format(timeout),
        detail == null ? "" : " (" + detail + ")",
        kind.setting);
  }

  static String format(Duration d) {
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() + " ms";
  }

  /** Which timeout fired. */
  public Kind kind() {
    return kind;
  }

  /** The configured value of the timeout that fired. */
  public Duration timeout() {
    return timeout;
  }
}
