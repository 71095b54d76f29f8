package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link FrameSink} that collects one frame in a growing array, for {@link FrameCodec#encodeToBuffer}. */
final class ByteArraySink implements FrameSink {
  private byte[] bytes = new byte[64];
  private int size;

  private void ensure(int more) {
    if (bytes.length - size < more) {
      long wanted = Math.max((long) bytes.length * 2, (long) size + more);
      if (wanted > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("encoded frame is larger than 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, (int) wanted);
    }
  }

  @Override
  public void put(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  @Override
  public void put(byte[] src, int offset, int length) {
    ensure(length);
    System.arraycopy(src, offset, bytes, size, length);
    size += length;
  }

  @Override
  public void put(ByteBuffer src) {
    int length = src.remaining();
    ensure(length);
    src.get(src.position(), bytes, size, length);
    size += length;
  }

  ByteBuffer toBuffer() {
    return ByteBuffer.wrap(bytes, 0, size).slice();
  }
}
