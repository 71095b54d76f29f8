package dev.sockettoolkit.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

/** Helpers shared by the core tests. */
final class TestSupport {
  private TestSupport() {}

  /** Echoes everything until end of stream, then returns (the server closes the connection). */
  static final ConnectionHandler ECHO =
      connection -> {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (connection.read(buffer) != -1) {
          buffer.flip();
          connection.write(buffer);
          buffer.clear();
        }
      };

  static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads exactly {@code n} bytes or fails at end of stream. */
  static byte[] readExactly(Connection connection, int n) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(n);
    while (buffer.hasRemaining()) {
      if (connection.read(buffer) == -1) {
        throw new IOException("end of stream after " + buffer.position() + " of " + n + " bytes");
      }
    }
    return buffer.array();
  }

  /** Reads until end of stream and returns everything read. */
  static String readToEnd(Connection connection) throws IOException {
    return new String(connection.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  /** Writes {@code total} pseudo-random bytes from {@code seed} in chunks, returning their CRC. */
  static long writeRandom(Connection connection, long total, long seed) throws IOException {
    Random random = new Random(seed);
    CRC32 crc = new CRC32();
    byte[] chunk = new byte[64 * 1024];
    long left = total;
    while (left > 0) {
      int n = (int) Math.min(chunk.length, left);
      random.nextBytes(chunk);
      crc.update(chunk, 0, n);
      connection.write(ByteBuffer.wrap(chunk, 0, n));
      left -= n;
    }
    return crc.getValue();
  }

  /** Reads until end of stream, returning the byte count and CRC. */
  static long[] readAndChecksum(Connection connection) throws IOException {
    CRC32 crc = new CRC32();
    ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    byte[] copy = new byte[buffer.capacity()];
    long count = 0;
    int n;
    while ((n = connection.read(buffer)) != -1) {
      buffer.flip();
      buffer.get(copy, 0, n);
      crc.update(copy, 0, n);
      count += n;
      buffer.clear();
    }
    return new long[] {count, crc.getValue()};
  }
}
