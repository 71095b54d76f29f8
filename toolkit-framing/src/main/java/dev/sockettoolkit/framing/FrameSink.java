package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;

/**
 * Where a {@link FrameCodec} writes one encoded frame: the outgoing buffers of a {@link
 * MessageChannel}. Header bytes are copied into a reused buffer; a large payload is handed over by
 * reference, so it is sent without a copy in the same gathering write.
 *
 * <pre>{@code
 * public void encode(ByteBuffer frame, FrameSink out) throws IOException {
 *   out.put((byte) frame.remaining());          // a 1-byte length header, copied
 *   out.put(frame);                             // the payload, by reference if it is large
 * }
 * }</pre>
 *
 * <p>None of the methods changes the position of a buffer passed to it. A buffer passed to {@link
 * #put(ByteBuffer)} may be read until the send that encoded it returns, so it must not be modified
 * before then. If {@code encode} throws, everything it put into the sink for that frame is
 * dropped; a codec should still check a frame before putting any of it.
 */
public interface FrameSink {

  /** Appends one byte. */
  void put(byte b);

  /** Appends {@code length} bytes of {@code src} from {@code offset}. */
  void put(byte[] src, int offset, int length);

  /** Appends all of {@code src}. */
  default void put(byte[] src) {
    put(src, 0, src.length);
  }

  /**
   * Appends the bytes of {@code src} between its position and limit, leaving its position
   * unchanged: copied if it is small, otherwise sent by reference without a copy.
   */
  void put(ByteBuffer src);
}
