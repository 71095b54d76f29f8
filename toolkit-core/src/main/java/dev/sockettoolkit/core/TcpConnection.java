package dev.sockettoolkit.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection over a blocking {@link SocketChannel}.
 *
 * <p>Untimed reads and all writes go straight to the channel (direct buffers without a copy,
 * gathering writes in one system call). A read with a timeout does too when bytes are already
 * waiting (asked with one {@code FIONREAD}); otherwise it goes through the channel's socket adaptor
 * (made on first use), whose {@code SO_TIMEOUT} wait leaves the connection usable after a timeout
 * but costs a switch to non-blocking mode and back around a poll.
 */
final class TcpConnection extends AbstractConnection {
  private final SocketChannel channel;
  /** The channel's socket adaptor, made on the first timed read. */
  private Socket socket;
  private final SocketAddress local;
  private final SocketAddress remote;
  private InputStream timedInput;
  private byte[] scratch;

  private TcpConnection(SocketChannel channel, ConnectionOptions options) throws IOException {
    super(options, "tcp");
    this.channel = channel;
    this.local = channel.getLocalAddress();
    this.remote = channel.getRemoteAddress();
  }

  /** Wraps a connected channel, applying {@code options}; closes the channel if that fails. */
  static TcpConnection open(SocketChannel channel, ConnectionOptions options) throws IOException {
    try {
      channel.configureBlocking(true);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
      KeepAlive.tune(channel, options);
      if (options.receiveBufferSize() > 0) {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
      }
      if (options.sendBufferSize() > 0) {
        channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
      }
      TcpConnection connection = new TcpConnection(channel, options);
      connection.startTimeouts();
      return connection;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  int readImpl(ByteBuffer dst, long timeoutNanos) throws IOException {
    if (timeoutNanos == 0) {
      return readUntimed(dst);
    }
    if (timedInput == null) {
      timedInput = socket().getInputStream();
    }
    if (timedInput.available() > 0) {
      // Bytes are waiting, so the read cannot block: one system call to ask and a plain read,
      // instead of the adaptor's switch to non-blocking mode, poll, read and switch back.
      return readUntimed(dst);
    }
    socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, ceilMillis(timeoutNanos))));
    int length = Math.min(dst.remaining(), MAX_IO_CHUNK);
    if (dst.hasArray()) {
      int n = timedInput.read(dst.array(), dst.arrayOffset() + dst.position(), length);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }
    if (scratch == null || scratch.length < length) {
      scratch = new byte[Math.max(length, 8192)];
    }
    int n = timedInput.read(scratch, 0, length);
    if (n > 0) {
      dst.put(scratch, 0, n);
    }
    return n;
  }

  @Override
  int readNowImpl(ByteBuffer dst) throws IOException {
    if (timedInput == null) {
      timedInput = socket().getInputStream();
    }
    // One system call to ask; a read only when bytes are waiting, so it cannot block.
    return timedInput.available() > 0 ? readUntimed(dst) : 0;
  }

  private Socket socket() {
    if (socket == null) {
      socket = channel.socket();
    }
    return socket;
  }

  private int readUntimed(ByteBuffer dst) throws IOException {
    if (dst.isDirect() || dst.remaining() <= MAX_IO_CHUNK) {
      return channel.read(dst);
    }
    int savedLimit = dst.limit();
    dst.limit(dst.position() + MAX_IO_CHUNK);
    try {
      return channel.read(dst);
    } finally {
      dst.limit(savedLimit);
    }
  }

  private static long ceilMillis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos + 999_999);
  }

  @Override
  long writeImpl(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
  }

  @Override
  void shutdownOutputImpl() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  void endInputForShutdown() {
    try {
      channel.shutdownInput(); // a blocked read returns -1; the output stays open
    } catch (IOException | RuntimeException e) {
      super.endInputForShutdown();
    }
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
      channel.close();
    }
  }

  @Override
  void abortImpl() {
    try {
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException ignored) {
      // Already closed or never connected: the close below is all that is left to do.
    }
    closeQuietly(channel);
  }

  static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing useful to do: the descriptor is released either way.
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
