package dev.sockettoolkit.core;

import com.google.common.net.HostAndPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opens connections to servers.
 *
 * <pre>{@code
 * try (Connection connection = Client.connect("localhost:7000")) {
 *   connection.write(ByteBuffer.wrap(request));
 * }
 * }</pre>
 *
 * <p>A host name that resolves to several addresses (IPv4 and IPv6, say) is tried address by
 * address until one accepts, each attempt bounded by the connect timeout; if none does, the
 * exception names every address tried and why it failed.
 */
public final class Client {
  private Client() {}

  /**
   * Connects to {@code hostAndPort} ({@code "example.com:7000"}, {@code "127.0.0.1:7000"}, {@code
   * "[::1]:7000"}) with {@link ConnectionOptions#defaults()}.
   */
  public static Connection connect(String hostAndPort) throws IOException {
    return connect(hostAndPort, ConnectionOptions.defaults());
  }

  /** Connects to {@code hostAndPort} with {@code options}. */
  public static Connection connect(String hostAndPort, ConnectionOptions options)
      throws IOException {
    HostAndPort parsed;
    try {
      parsed = HostAndPort.fromString(hostAndPort).requireBracketsForIPv6();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a host:port: '" + hostAndPort + "' (write IPv6 addresses as [::1]:7000)", e);
    }
    if (!parsed.hasPort()) {
      throw new IllegalArgumentException("no port in '" + hostAndPort + "': use host:port");
    }
    return connect(parsed.getHost(), parsed.getPort(), options);
  }

  /** Connects to {@code host} on {@code port}, trying every address the host resolves to. */
  public static Connection connect(String host, int port, ConnectionOptions options)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(options, "options");
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      UnknownHostException unknown =
          new UnknownHostException("cannot resolve host '" + host + "': " + e.getMessage());
      unknown.initCause(e);
      throw unknown;
    }
    List<InetSocketAddress> targets = new ArrayList<>();
    for (InetAddress address : addresses) {
      targets.add(new InetSocketAddress(address, port));
    }
    return connectToAny(host + ":" + port, targets, options);
  }

  /**
   * Connects to {@code address}: an {@link InetSocketAddress} (resolved, or unresolved and then
   * resolved here), a {@link UnixDomainSocketAddress} or an {@link InMemoryAddress} (a {@link
   * Server} in this JVM, without a socket).
   *
   * @throws java.net.ConnectException if nothing listens there (at once, for an in-memory address)
   */
  public static Connection connect(SocketAddress address, ConnectionOptions options)
      throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    if (address instanceof InMemoryAddress memory) {
      return AbstractConnection.observe(
          InMemoryNetwork.connect(memory, options), false, options.metrics().orElse(null));
    }
    if (address instanceof UnixDomainSocketAddress) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(address);
      } catch (IOException e) {
        TcpConnection.closeQuietly(channel);
        ConnectException failure =
            new ConnectException("could not connect to unix socket " + address + ": " + e.getMessage());
        failure.initCause(e);
        throw failure;
      }
      return AbstractConnection.observe(
          UnixConnection.open(channel, options), false, options.metrics().orElse(null));
    }
    if (!(address instanceof InetSocketAddress)) {
      throw new IllegalArgumentException(
          "unsupported address type " + address.getClass().getName() + ": " + address);
    }
    InetSocketAddress inet = (InetSocketAddress) address;
    if (inet.isUnresolved()) {
      return connect(inet.getHostString(), inet.getPort(), options);
    }
    return connectToAny(inet.toString(), List.of(inet), options);
  }

  static Connection connectToAny(
      String target, List<InetSocketAddress> addresses, ConnectionOptions options)
      throws IOException {
    List<IOException> failures = new ArrayList<>();
    StringBuilder tried = new StringBuilder();
    boolean allTimedOut = true;
    for (InetSocketAddress address : addresses) {
      try {
        return AbstractConnection.observe(
            TcpConnection.open(connectOne(address, options.connectTimeout()), options),
            false,
            options.metrics().orElse(null));
      } catch (IOException e) {
        failures.add(e);
        allTimedOut &= e instanceof SocketTimeoutException;
        tried.append(tried.length() == 0 ? "" : "; ")
            .append(HostAndPort.fromParts(address.getAddress().getHostAddress(), address.getPort()))
            .append(" (")
            .append(e.getMessage())
            .append(')');
      }
    }
    IOException failure =
        allTimedOut
            ? new ConnectionTimeoutException(
                ConnectionTimeoutException.Kind.CONNECT,
                options.connectTimeout(),
                "connecting to " + target + ", tried " + tried)
            : new ConnectException("could not connect to " + target + ", tried " + tried);
    failures.forEach(failure::addSuppressed);
    throw failure;
  }

  private static SocketChannel connectOne(InetSocketAddress address, Duration timeout)
      throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      // The socket adaptor's connect honours a timeout; the channel's own connect does not.
      channel.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      return channel;
    } catch (IOException | RuntimeException e) {
      TcpConnection.closeQuietly(channel);
      throw e;
    }
  }
}
