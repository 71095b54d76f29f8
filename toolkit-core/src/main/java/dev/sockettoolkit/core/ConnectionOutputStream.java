package dev.sockettoolkit.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** The {@link Connection#outputStream()} view. */
final class ConnectionOutputStream extends OutputStream {
  private final Connection connection;

  ConnectionOutputStream(Connection connection) {
    this.connection = connection;
  }

  @Override
  public void write(int b) throws IOException {
    connection.write(ByteBuffer.wrap(new byte[] {(byte) b}));
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    connection.write(ByteBuffer.wrap(b, off, len));
  }

  @Override
  public void close() throws IOException {
    if (connection.isOpen()) {
      connection.shutdownOutput();
    }
  }
}
