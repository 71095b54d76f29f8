package dev.sockettoolkit.testkit;

import dev.sockettoolkit.core.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

/** Byte-stream helpers the conformance suites share. */
final class TestStreams {
  private TestStreams() {}

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

  /** Reads until end of stream. */
  static String readToEnd(Connection connection) throws IOException {
    return new String(connection.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  /** Writes {@code total} pseudo-random bytes from {@code seed}, returning their CRC32. */
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

  /** Reads until end of stream: {byte count, CRC32}. */
  static long[] readAndChecksum(Connection connection) throws IOException {
    return readAndChecksum(connection, Long.MAX_VALUE);
  }

  /** Reads until end of stream or {@code limit} bytes: {byte count, CRC32}. */
  static long[] readAndChecksum(Connection connection, long limit) throws IOException {
    CRC32 crc = new CRC32();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long count = 0;
    int n;
    while (count < limit
        && (n = connection.read(buffer.limit((int) Math.min(buffer.capacity(), limit - count)))) != -1) {
      crc.update(buffer.array(), 0, n);
      count += n;
      buffer.clear();
    }
    return new long[] {count, crc.getValue()};
  }
}
