package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection that forwards every call to another: the base for test decorators, which override
 * only what they change.
 *
 * <pre>{@code
 * class CountingConnection extends ForwardingConnection {
 *   final AtomicLong written = new AtomicLong();
 *
 *   CountingConnection(Connection delegate) {
 *     super(delegate);
 *   }
 *
 *   @Override
 *   public void write(ByteBuffer... srcs) throws IOException {
 *     for (ByteBuffer b : srcs) written.addAndGet(b.remaining());
 *     super.write(srcs);
 *   }
 * }
 * }</pre>
 */
public abstract class ForwardingConnection implements Connection {
  /** The connection every call goes to. */
  protected final Connection delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingConnection(Connection delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    return delegate.read(dst, timeout);
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    delegate.write(srcs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    delegate.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public void abort() {
    delegate.abort();
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public TimeSource timeSource() {
    return delegate.timeSource();
  }

  @Override
  public SocketAddress localAddress() {
    return delegate.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return delegate.remoteAddress();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
