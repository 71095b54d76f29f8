package dev.sockettoolkit.bench;

/**
 * One implementation of the length-prefixed echo protocol, server and client alike.
 *
 * <p>{@link #NETTY_NIO} is the reference every ratio is computed against; the other columns are
 * printed for context.
 */
enum Stack {
  /**
   * This toolkit: {@code Server} + {@code MessageChannel} + the length-prefix codec, the handler
   * {@code while (channel.receiveBatch(channel::sendAll)) {}} as {@code MessageChannel}'s
   * documentation shows: every message that one read brought goes back in one write, without a
   * copy out of the receive buffer. Its client receives with {@code receiveBatch} too, and sends
   * from a direct buffer, as the Netty client does.
   */
  TOOLKIT("toolkit"),
  /**
   * This toolkit with messages the caller owns: {@code receive}, then {@code receiveBuffered}
   * until null, answered with one {@code sendAll}; its client receives with {@code receive} and
   * sends from a heap buffer. Each message is copied out of the receive buffer. Not run unless
   * asked for ({@code --stacks}).
   */
  TOOLKIT_OWNED("toolkit-owned"),
  /**
   * This toolkit with the simplest handler, {@code send} per {@code receive}: one write per
   * message. Not run unless asked for ({@code --stacks}).
   */
  TOOLKIT_SIMPLE("toolkit-simple"),
  /**
   * This toolkit with an echo handler that hands received messages to a second thread, which
   * sends whatever has queued up with one {@code sendAll}: what write coalescing inside {@code
   * MessageChannel} would gain. Not run unless asked for ({@code --stacks}).
   */
  TOOLKIT_WRITER("toolkit-writer"),
  /**
   * This toolkit as {@link #TOOLKIT}, its TLS on Conscrypt (BoringSSL) instead of the JDK's
   * provider: TLS rows only, compared with {@link #NETTY_OPENSSL} in the {@code tls-native.*} rows.
   */
  TOOLKIT_CONSCRYPT("toolkit-conscrypt"),
  /** Netty with the NIO transport and, for TLS, {@code SslHandler} on the JDK provider. */
  NETTY_NIO("netty-nio"),
  /** Netty with the native epoll transport (plain rows only). */
  NETTY_EPOLL("netty-epoll"),
  /** Netty NIO with {@code SslHandler} on BoringSSL through netty-tcnative (TLS rows only). */
  NETTY_OPENSSL("netty-openssl"),
  /** A hand-written blocking {@code java.net.Socket} with {@code DataInputStream}, thread per connection. */
  SOCKET("socket");

  private final String label;

  Stack(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  boolean isNetty() {
    return this == NETTY_NIO || this == NETTY_EPOLL || this == NETTY_OPENSSL;
  }

  static Stack fromLabel(String label) {
    for (Stack stack : values()) {
      if (stack.label.equals(label)) {
        return stack;
      }
    }
    throw new IllegalArgumentException("unknown stack '" + label + "'");
  }
}
