package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Unix-domain socket connection.
 *
 * <p>The JDK offers no timed read on a Unix-domain channel, so the channel runs non-blocking and a
 * thread that must wait does so in a private {@link Selector}. The selectors are opened only the
 * first time a read or a write has to wait (each costs file descriptors), and closing the
 * connection wakes any thread waiting in one.
 */
final class UnixConnection extends AbstractConnection {
  private final SocketChannel channel;
  private final SocketAddress local;
  private final SocketAddress remote;
  private final ReentrantLock selectorLock = new ReentrantLock();
  private Selector readSelector;
  private Selector writeSelector;

  private UnixConnection(SocketChannel channel, ConnectionOptions options) throws IOException {
    super(options, "unix");
    this.channel = channel;
    this.local = channel.getLocalAddress();
    this.remote = channel.getRemoteAddress();
  }

  /** Wraps a connected channel; closes it if that fails. */
  static UnixConnection open(SocketChannel channel, ConnectionOptions options) throws IOException {
    try {
      channel.configureBlocking(false);
      UnixConnection connection = new UnixConnection(channel, options);
      connection.startTimeouts();
      return connection;
    } catch (IOException | RuntimeException e) {
      TcpConnection.closeQuietly(channel);
      throw e;
    }
  }

  @Override
  int readImpl(ByteBuffer dst, long timeoutNanos) throws IOException {
    int savedLimit = dst.limit();
    if (dst.remaining() > MAX_IO_CHUNK) {
      dst.limit(dst.position() + MAX_IO_CHUNK);
    }
    try {
      long deadline = System.nanoTime() + timeoutNanos;
      while (true) {
        int n = channel.read(dst);
        if (n != 0) {
          return n;
        }
        long remaining = timeoutNanos == 0 ? 0 : deadline - System.nanoTime();
        if (timeoutNanos != 0 && remaining <= 0) {
          throw new SocketTimeoutException("read timed out");
        }
        await(selector(true), remaining);
      }
    } finally {
      dst.limit(savedLimit);
    }
  }

  @Override
  int readNowImpl(ByteBuffer dst) throws IOException {
    int savedLimit = dst.limit();
    if (dst.remaining() > MAX_IO_CHUNK) {
      dst.limit(dst.position() + MAX_IO_CHUNK);
    }
    try {
      return channel.read(dst); // the channel is non-blocking
    } finally {
      dst.limit(savedLimit);
    }
  }

  @Override
  long writeImpl(ByteBuffer[] srcs, int offset, int length) throws IOException {
    while (true) {
      long n = channel.write(srcs, offset, length);
      if (n != 0) {
        return n;
      }
      // The write timeout is enforced by the shared timer, which aborts and wakes us.
      await(selector(false), 0);
    }
  }

  private void await(Selector selector, long timeoutNanos) throws IOException {
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
    try {
      if (timeoutNanos == 0) {
        selector.select();
      } else {
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
      }
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ClosedChannelException();
    }
    if (!channel.isOpen()) {
      throw new ClosedChannelException();
    }
  }

  private Selector selector(boolean forRead) throws IOException {
    selectorLock.lock();
    try {
      if (!channel.isOpen()) {
        throw new ClosedChannelException();
      }
      Selector selector = forRead ? readSelector : writeSelector;
      if (selector == null) {
        selector = Selector.open();
        channel.register(selector, forRead ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
        if (forRead) {
          readSelector = selector;
        } else {
          writeSelector = selector;
        }
      }
      return selector;
    } finally {
      selectorLock.unlock();
    }
  }

  @Override
  void shutdownOutputImpl() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  void closeImpl(boolean outputShutDown) throws IOException {
    try {
      if (!outputShutDown) {
        channel.shutdownOutput();
      }
    } catch (IOException ignored) {
      // The peer may already be gone; closing below still releases the socket.
    } finally {
      abortImpl();
    }
  }

  @Override
  void abortImpl() {
    TcpConnection.closeQuietly(channel);
    selectorLock.lock();
    try {
      closeSelector(readSelector);
      closeSelector(writeSelector);
    } finally {
      selectorLock.unlock();
    }
  }

  private static void closeSelector(Selector selector) {
    if (selector != null) {
      try {
        selector.wakeup();
        selector.close();
      } catch (IOException ignored) {
        // Closing a selector only releases its descriptors; nothing to recover.
      }
    }
  }

  @Override
  public SocketAddress localAddress() {
    return local;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remote;
  }
}
