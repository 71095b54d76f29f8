package dev.sockettoolkit.core;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** One end of an in-memory connected pair: reads from one {@link PipeBuffer}, writes to the other. */
final class PipeConnection extends AbstractConnection {
  private final PipeBuffer inbound;
  private final PipeBuffer outbound;
  private final SocketAddress local;
  private final SocketAddress remote;

  PipeConnection(
      PipeBuffer inbound,
      PipeBuffer outbound,
      SocketAddress local,
      SocketAddress remote,
      ConnectionOptions options) {
    super(options, "in-memory");
    this.inbound = inbound;
    this.outbound = outbound;
    this.local = local;
    this.remote = remote;
  }

  @Override
  int readImpl(ByteBuffer dst, long timeoutNanos) throws IOException {
    return inbound.read(dst, timeoutNanos);
  }

  @Override
  int readNowImpl(ByteBuffer dst) throws IOException {
    return inbound.readNow(dst);
  }

  @Override
  long writeImpl(ByteBuffer[] srcs, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return outbound.write(srcs[i]);
      }
    }
    return 0;
  }

  @Override
  void shutdownOutputImpl() {
    outbound.shutdownWriter();
  }

  @Override
  void closeImpl(boolean outputShutDown) {
    outbound.closeWriter();
    inbound.closeReader();
  }

  @Override
  void abortImpl() {
    outbound.reset();
    inbound.reset();
    inbound.closeReader();
    outbound.closeWriter();
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
