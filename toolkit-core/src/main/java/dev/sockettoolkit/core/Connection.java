package dev.sockettoolkit.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * A two-way byte stream to a peer, used like a file handle: read, write, close.
 *
 * <p>Every transport in the toolkit (TCP, Unix-domain sockets, the in-memory pair) and every
 * layer on top of one (TLS) is a {@code Connection}, so code written against this interface runs
 * unchanged over all of them.
 *
 * <pre>{@code
 * try (Connection connection = Client.connect("localhost:7000")) {
 *   connection.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
 *   connection.shutdownOutput();               // the peer reads end of stream
 *   ByteBuffer reply = ByteBuffer.allocate(1024);
 *   while (connection.read(reply) != -1) {      // read until the peer closes
 *     // ...
 *   }
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * One thread may read while another writes (full duplex). Writes from several threads are
 * serialised: the bytes of one {@code write} call are never interleaved with another's. Reads are
 * meant for a single reading thread.
 *
 * <h2>Closing</h2>
 * {@link #shutdownOutput()} half-closes: the peer reads end of stream and may still write back.
 * {@link #close()} is graceful: everything already written is delivered before the end of stream.
 * {@link #abort()} resets the connection at once and may discard unsent bytes.
 */
public interface Connection extends Closeable {

  /**
   * Reads at least one byte into {@code dst}, blocking until some are available, and returns the
   * number read, or -1 at end of stream. Returns 0 only when {@code dst} has no space left.
   *
   * <p>Waits at most the read timeout of this connection's {@link ConnectionOptions}.
   *
   * @throws ConnectionTimeoutException if the read or idle timeout fired
   * @throws ConnectionResetException if the peer reset the connection
   * @throws ConnectionClosedException if this connection was closed or aborted
   */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Like {@link #read(ByteBuffer)}, but waits at most {@code timeout} for the first byte, whatever
   * the configured read timeout. A read that times out leaves the connection open and usable.
   *
   * @param timeout how long to wait; must be positive
   * @throws ConnectionTimeoutException of kind {@link ConnectionTimeoutException.Kind#READ} if no
   *     byte arrived in time
   */
  int read(ByteBuffer dst, Duration timeout) throws IOException;

  /**
   * Writes all remaining bytes of {@code src}, blocking while the peer is not reading (up to the
   * write timeout, after which the connection is aborted).
   */
  default void write(ByteBuffer src) throws IOException {
    write(new ByteBuffer[] {src});
  }

  /**
   * Writes all remaining bytes of every buffer, in order, as one atomic unit with respect to other
   * writers (a gathering write: several buffers leave in as few system calls as possible).
   *
   * @throws ConnectionTimeoutException of kind {@link ConnectionTimeoutException.Kind#WRITE} if
   *     the peer did not take the bytes within the write timeout; the connection is then aborted
   */
  void write(ByteBuffer... srcs) throws IOException;

  /**
   * Half-closes the connection: the peer reads end of stream once it has read everything written
   * so far, and can still write back. Idempotent; writing afterwards throws.
   */
  void shutdownOutput() throws IOException;

  /**
   * Closes the connection gracefully: bytes already written are delivered, then the peer reads
   * end of stream. A thread blocked in {@link #read} is released with a {@link
   * ConnectionClosedException}. Idempotent.
   */
  @Override
  void close() throws IOException;

  /**
   * Closes the connection at once with a reset: unsent bytes may be discarded and the peer sees
   * {@link ConnectionResetException}. Idempotent; never throws.
   */
  void abort();

  /** Whether neither {@link #close()} nor {@link #abort()} has been called and no fatal error occurred. */
  boolean isOpen();

  /**
   * The clock this connection measures its timeouts on: {@link TimeSource#system()} unless its
   * {@link ConnectionOptions#timeSource()} chose another. Layers on top of a connection (framing,
   * TLS) measure theirs on the same clock.
   */
  default TimeSource timeSource() {
    return TimeSource.system();
  }

  /** This end's address: an {@code InetSocketAddress}, a {@code UnixDomainSocketAddress}, or an in-memory name. */
  SocketAddress localAddress();

  /** The peer's address, in the same forms as {@link #localAddress()}. */
  SocketAddress remoteAddress();

  /**
   * The PROXY protocol header this connection arrived with, when a {@link Server} with {@link
   * Server.Builder#proxyProtocol} accepted it; then {@link #remoteAddress()} and {@link
   * #localAddress()} are the original client's. Layers on top (TLS) return their transport's.
   */
  default Optional<ProxyHeader> proxyHeader() {
    return Optional.empty();
  }

  /**
   * A blocking {@link InputStream} over this connection. Closing the stream closes the connection.
   * The stream is not buffered; wrap it in a {@code BufferedInputStream} for small reads.
   */
  default InputStream inputStream() {
    return new ConnectionInputStream(this);
  }

  /**
   * A blocking {@link OutputStream} over this connection. Closing the stream half-closes the
   * connection ({@link #shutdownOutput()}). The stream is not buffered.
   */
  default OutputStream outputStream() {
    return new ConnectionOutputStream(this);
  }
}
