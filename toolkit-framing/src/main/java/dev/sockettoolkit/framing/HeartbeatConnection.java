package dev.sockettoolkit.framing;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.ConnectionTimeoutException;
import dev.sockettoolkit.core.ProxyHeader;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * A connection watched by a {@link Heartbeat}: it stamps when bytes last went out and came in,
 * and once the heartbeat has aborted it for silence, every operation fails with a {@link
 * ConnectionTimeoutException.Kind#HEARTBEAT} timeout instead of a plain "closed".
 */
final class HeartbeatConnection implements Connection {
  private final Connection transport;
  private final Duration timeout;
  volatile long lastReceived = System.nanoTime();
  volatile long lastSent = System.nanoTime();
  /** When the read in progress started; 0 while nobody reads (unread input is not silence). */
  volatile long readingSince;
  private volatile boolean expired;

  HeartbeatConnection(Connection transport, Duration timeout) {
    this.transport = transport;
    this.timeout = timeout;
  }

  /** How long a read has waited for bytes at {@code now}; 0 while nobody reads. */
  long silentFor(long now) {
    long since = readingSince;
    return since == 0 ? 0 : now - Math.max(since, lastReceived);
  }

  /** Called by the heartbeat: nothing arrived in time. */
  void expire() {
    expired = true;
    transport.abort();
  }

  private IOException translate(IOException e) {
    if (!expired) {
      return e;
    }
    ConnectionTimeoutException timedOut = new ConnectionTimeoutException(
        ConnectionTimeoutException.Kind.HEARTBEAT, timeout,
        "nothing arrived from " + transport.remoteAddress() + "; the connection was aborted");
    timedOut.initCause(e);
    return timedOut;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    readingSince = System.nanoTime();
    try {
      int n = transport.read(dst);
      lastReceived = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw translate(e);
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) throws IOException {
    readingSince = System.nanoTime();
    try {
      int n = transport.read(dst, timeout);
      lastReceived = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw translate(e);
    } finally {
      readingSince = 0;
    }
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    try {
      transport.write(srcs);
      lastSent = System.nanoTime();
    } catch (IOException e) {
      throw translate(e);
    }
  }

  @Override
  public void shutdownOutput() throws IOException {
    try {
      transport.shutdownOutput();
    } catch (IOException e) {
      throw translate(e);
    }
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
    return transport.localAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return transport.remoteAddress();
  }

  @Override
  public Optional<ProxyHeader> proxyHeader() {
    return transport.proxyHeader();
  }

  @Override
  public String toString() {
    return "HeartbeatConnection{" + transport + "}";
  }
}
