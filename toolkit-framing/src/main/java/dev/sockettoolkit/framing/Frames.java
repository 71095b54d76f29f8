package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The frame that every byte-frame decoder returns for bytes it found in the receive buffer: a copy
 * the caller owns, or, while the caller {@linkplain FrameDecoder#lendFrames lends frames}, a view.
 */
final class Frames {
  private Frames() {}

  /**
   * {@code length} bytes of {@code in} from absolute index {@code index}: a view sharing {@code
   * in}'s memory if {@code lend}, else a {@link #copy}. {@code in} is not changed.
   */
  static ByteBuffer frame(ByteBuffer in, int index, int length, boolean lend) {
    return lend ? in.slice(index, length) : copy(in, index, length);
  }

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
