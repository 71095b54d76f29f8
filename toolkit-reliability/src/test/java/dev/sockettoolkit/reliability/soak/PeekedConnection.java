package dev.sockettoolkit.reliability.soak;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection whose first byte was already read (to tell TLS from plaintext) and is given back
 * by the first read; everything else goes to the underlying connection.
 */
final class PeekedConnection implements Connection {
  private final Connection delegate;
  private int peeked;

  PeekedConnection(Connection delegate, byte first) {
    this.delegate = delegate;
    this.peeked = first & 0xFF;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return replay(dst) ? 1 : delegate.read(dst);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    return replay(dst) ? 1 : delegate.read(dst, timeout);
  }

  private boolean replay(ByteBuffer dst) {
    if (peeked < 0 || !dst.hasRemaining()) {
      return false;
    }
    dst.put((byte) peeked);
    peeked = -1;
    return true;
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
  public SocketAddress localAddress() {
    return delegate.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return delegate.remoteAddress();
  }
}
