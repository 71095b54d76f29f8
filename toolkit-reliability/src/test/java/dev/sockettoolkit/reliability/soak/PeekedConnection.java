package dev.sockettoolkit.reliability.soak;

import dev.sockettoolkit.core.Connection;
import dev.sockettoolkit.testkit.ForwardingConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection whose first byte was already read (to tell TLS from plaintext) and is given back
 * by the first read; everything else goes to the underlying connection.
 */
final class PeekedConnection extends ForwardingConnection {
  private int peeked;

  PeekedConnection(Connection delegate, byte first) {
    super(delegate);
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
}
