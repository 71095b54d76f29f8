package dev.sockettoolkit.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** The {@link Connection#inputStream()} view. */
final class ConnectionInputStream extends InputStream {
  private final Connection connection;

  ConnectionInputStream(Connection connection) {
    this.connection = connection;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    return connection.read(ByteBuffer.wrap(b, off, len));
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
