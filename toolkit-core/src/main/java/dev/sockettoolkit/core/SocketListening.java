package dev.sockettoolkit.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A {@link Server}'s listening TCP or Unix-domain socket. */
final class SocketListening implements Listening {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());

  private final ServerSocketChannel channel;
  private final SocketAddress bound;
  private final boolean unix;
  private final ConnectionOptions options;

  private SocketListening(ServerSocketChannel channel, ConnectionOptions options)
      throws IOException {
    this.channel = channel;
    this.bound = channel.getLocalAddress();
    this.unix = bound instanceof UnixDomainSocketAddress;
    this.options = options;
  }

  /** Binds {@code address} with a listen backlog of {@code backlog}. */
  static SocketListening bind(SocketAddress address, int backlog, ConnectionOptions options)
      throws IOException {
    ServerSocketChannel channel;
    if (address instanceof UnixDomainSocketAddress) {
      channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    } else {
      channel = ServerSocketChannel.open();
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    }
    try {
      channel.bind(address, backlog);
      return new SocketListening(channel, options);
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot bind " + address + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SocketAddress localAddress() {
    return bound;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public Accepted accept() throws IOException {
    SocketChannel accepted;
    try {
      accepted = channel.accept();
    } catch (ClosedChannelException e) {
      return null;
    } catch (IOException e) {
      if (!channel.isOpen()) {
        return null;
      }
      throw e;
    }
    return new Accepted() {
      @Override
      public SocketAddress remoteAddress() {
        try {
          return accepted.getRemoteAddress();
        } catch (IOException e) {
          return null;
        }
      }

      @Override
      public Connection open() throws IOException {
        return unix ? UnixConnection.open(accepted, options) : TcpConnection.open(accepted, options);
      }

      @Override
      public void refuse() {
        try {
          accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | UnsupportedOperationException e) {
          // Best effort: the close below still frees the descriptor.
        }
        TcpConnection.closeQuietly(accepted);
      }
    };
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing the listening socket failed", e);
    }
  }
}
