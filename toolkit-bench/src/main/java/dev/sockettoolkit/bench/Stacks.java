package dev.sockettoolkit.bench;

import io.netty.handler.ssl.OpenSsl;

/** Creates the server and client of each stack, and says which stacks cannot run here. */
final class Stacks {
  private Stacks() {}

  static EchoServer server(Stack stack, TlsMaterial tls) throws Exception {
    switch (stack) {
      case TOOLKIT:
      case TOOLKIT_OWNED:
      case TOOLKIT_SIMPLE:
      case TOOLKIT_WRITER:
      case TOOLKIT_CONSCRYPT:
        return new ToolkitEcho.Server(tls, stack);
      case SOCKET:
        return new SocketEcho.Server(tls);
      default:
        return new NettyEcho.Server(stack, tls);
    }
  }

  static EchoClient client(Stack stack, TlsMaterial tls) throws Exception {
    switch (stack) {
      case TOOLKIT:
        return new ToolkitEcho.Client(tls, true);
      case TOOLKIT_CONSCRYPT:
        return new ToolkitEcho.Client(tls, true, dev.sockettoolkit.core.ConnectionOptions.defaults(), "conscrypt");
      case TOOLKIT_OWNED:
      case TOOLKIT_SIMPLE:
      case TOOLKIT_WRITER:
        return new ToolkitEcho.Client(tls, false);
      case SOCKET:
        return new SocketEcho.Client(tls);
      default:
        return new NettyEcho.Client(stack, tls);
    }
  }

  /** Why {@code stack} cannot run in this JVM, or null when it can. */
  static String unavailable(Stack stack) {
    if (stack == Stack.NETTY_EPOLL) {
      String reason = NettyTransport.epollUnavailableReason();
      return reason == null ? null : "the native epoll transport did not load: " + reason;
    }
    if (stack == Stack.TOOLKIT_CONSCRYPT) {
      try {
        dev.sockettoolkit.tls.TlsConfig.client().provider("conscrypt");
      } catch (IllegalStateException e) {
        return e.getMessage();
      }
    }
    if (stack == Stack.NETTY_OPENSSL) {
      try {
        if (!OpenSsl.isAvailable()) {
          return "netty-tcnative (BoringSSL) did not load: " + OpenSsl.unavailabilityCause();
        }
      } catch (LinkageError e) {
        return "netty-tcnative (BoringSSL) did not load: " + e;
      }
    }
    return null;
  }
}
