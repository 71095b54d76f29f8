package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** The copy that every byte-frame decoder makes of a frame it found in the receive buffer. */
final class Frames {
  private Frames() {}

  /**
   * A new buffer holding {@code length} bytes of {@code in} from absolute index {@code index},
   * owned by the caller; {@code in} is not changed.
   */
  static ByteBuffer copy(ByteBuffer in, int index, int length) {
    if (in.hasArray()) {
      // Arrays.copyOfRange is compiled to an allocation that the copy fills, without first
      // zeroing the new array as ByteBuffer.allocate does.
      int from = in.arrayOffset() + index;
      return ByteBuffer.wrap(Arrays.copyOfRange(in.array(), from, from + length));
    }
    ByteBuffer frame = ByteBuffer.allocate(length);
    in.get(index, frame.array(), 0, length);
    return frame;
  }
}
