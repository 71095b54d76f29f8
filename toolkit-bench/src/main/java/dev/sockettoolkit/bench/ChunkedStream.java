package dev.sockettoolkit.bench;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A receive-only {@link Connection} that serves a byte array in reads of at most {@code chunk}
 * bytes, then end of stream: the input of {@link DecodeBenchmark}'s channel rows, so that a
 * {@code MessageChannel} receives the same bytes in the same chunks as the decoders do.
 */
final class ChunkedStream implements Connection {
  private static final SocketAddress ADDRESS = InetSocketAddress.createUnresolved("decode", 0);

  private final byte[] stream;
  private final int chunk;
  private int offset;
  private boolean open = true;

  ChunkedStream(byte[] stream, int chunk) {
    this.stream = stream;
    this.chunk = chunk;
  }

  @Override
  public int read(ByteBuffer dst) {
    if (offset == stream.length) {
      return -1;
    }
    int n = Math.min(Math.min(chunk, stream.length - offset), dst.remaining());
    dst.put(stream, offset, n);
    offset += n;
    return n;
  }

  @Override
  public int read(ByteBuffer dst, Duration timeout) {
    return read(dst);
  }

  @Override
  public void write(ByteBuffer... srcs) throws IOException {
    throw new IOException("receive-only benchmark input");
  }

  @Override
  public void shutdownOutput() {}

  @Override
  public void close() {
    open = false;
  }

  @Override
  public void abort() {
    open = false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public SocketAddress localAddress() {
    return ADDRESS;
  }

  @Override
  public SocketAddress remoteAddress() {
    return ADDRESS;
  }
}
