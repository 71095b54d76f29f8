package dev.sockettoolkit.tls;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.core.TimeSource;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/** Test-only: passes everything through and counts outgoing TLS records and transport writes. */
final class RecordCountingConnection implements Connection {
  private final Connection delegate;
  private final IntPredicate counted;
  final AtomicInteger records = new AtomicInteger();
  final AtomicInteger writes = new AtomicInteger();
  final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
  private final byte[] header = new byte[5];
  private int headerFill;
  private int skip;
  /** Milliseconds each transport write takes, to simulate a slow network so writers queue up. */
  volatile int writeDelayMillis;

  /** Counts records whose fragment length satisfies {@code counted}. */
  RecordCountingConnection(Connection delegate, IntPredicate counted) {
    this.delegate = delegate;
    this.counted = counted;
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    writes.incrementAndGet();
    for (ByteBuffer src : srcs) {
      bytes.addAndGet(src.remaining());
      for (int i = src.position(); i < src.limit(); ) {
        if (skip > 0) {
          int n = Math.min(skip, src.limit() - i);
          skip -= n;
          i += n;
          continue;
        }
        header[headerFill++] = src.get(i++);
        if (headerFill == 5) {
          int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
          if (counted.test(length)) {
            records.incrementAndGet();
          }
          skip = length;
          headerFill = 0;
        }
      }
    }
    if (writeDelayMillis > 0) {
      try {
        Thread.sleep(writeDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    delegate.write(srcs);
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
