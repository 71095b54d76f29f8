package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Test-only: a connection whose reads return and whose writes send at most {@code chunk} bytes at a time. */
final class ChunkingConnection implements Connection {
  private final Connection delegate;
  private final int chunk;

  ChunkingConnection(Connection delegate, int chunk) {
    this.delegate = delegate;
    this.chunk = chunk;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return read(dst, null);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    if (!dst.hasRemaining()) {
      return 0;
    }
    ByteBuffer limited = dst.duplicate();
    limited.limit(Math.min(dst.limit(), dst.position() + chunk));
    int n = timeout == null ? delegate.read(limited) : delegate.read(limited, timeout);
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    for (ByteBuffer src : srcs) {
      while (src.hasRemaining()) {
        ByteBuffer piece = src.duplicate();
        piece.limit(piece.position() + Math.min(chunk, src.remaining()));
        delegate.write(piece);
        src.position(piece.position());
      }
    }
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
}
