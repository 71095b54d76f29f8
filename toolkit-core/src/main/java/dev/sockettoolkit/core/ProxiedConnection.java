package dev.sockettoolkit.core;

import dev.sockettoolkit.core.internal.ReadsWithoutWaiting;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * A connection that arrived through a proxy: the addresses of its {@link ProxyHeader} (or the
 * transport's, for LOCAL and address-less headers), and first the bytes that came in the same
 * reads as the header.
 */
final class ProxiedConnection implements Connection, ReadsWithoutWaiting {
  private final Connection transport;
  private final ProxyHeader header;
  private ByteBuffer early;

  ProxiedConnection(Connection transport, ProxyHeader header, ByteBuffer early) {
    this.transport = transport;
    this.header = header;
    this.early = early.hasRemaining() ? early : null;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return early != null && transport.isOpen() ? drainEarly(dst) : transport.read(dst);
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    return early != null && transport.isOpen() ? drainEarly(dst) : transport.read(dst, timeout);
  }

  @Override
  public int readNow(ByteBuffer dst) throws IOException {
    if (early != null && transport.isOpen()) {
      return drainEarly(dst);
    }
    ReadsWithoutWaiting now = ReadsWithoutWaiting.of(transport);
    return now == null ? 0 : now.readNow(dst);
  }

  private int drainEarly(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), early.remaining());
    ByteBuffer slice = early.slice(early.position(), n);
    dst.put(slice);
    early.position(early.position() + n);
    if (!early.hasRemaining()) {
      early = null;
    }
    return n;
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    transport.write(srcs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    transport.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }

  @Override
  public void abort() {
    transport.abort();
  }

  @Override
  public boolean isOpen() {
    return transport.isOpen();
  }

  @Override
  public SocketAddress localAddress() {
    return header.destination().<SocketAddress>map(a -> a).orElseGet(transport::localAddress);
  }

  @Override
  public SocketAddress remoteAddress() {
    return header.source().<SocketAddress>map(a -> a).orElseGet(transport::remoteAddress);
  }

  @Override
  public Optional<ProxyHeader> proxyHeader() {
    return Optional.of(header);
  }

  @Override
  public String toString() {
    return "ProxiedConnection{" + remoteAddress() + " via " + transport + "}";
  }
}
