package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns received bytes into frames, incrementally: the stateful half of a {@link FrameCodec}, one
 * per connection (from {@link FrameCodec#newDecoder()}), used by one thread at a time.
 *
 * <h2>The buffer contract</h2>
 * The caller keeps one buffer of received bytes, in read mode: the bytes from {@code position} to
 * {@code limit} were received and not yet consumed. It calls {@link #decode} after each read. The
 * decoder consumes a frame by advancing {@code position} past it and returns it; it returns
 * {@code null} when the buffered bytes do not yet complete a frame. Between calls the caller may
 * move the unconsumed bytes (compact the buffer) and append newly received bytes after {@code
 * limit}, but never changes unconsumed bytes. So a decoder may remember what it learned about the
 * bytes it has already examined, as offsets relative to {@code position}, and must not examine them
 * again: a frame that arrives one byte at a time then costs O(n), not O(n²).
 *
 * <p>A decoder may also consume bytes without returning a frame (a header it has parsed, bytes it
 * discards). It must never keep a reference to the buffer, and a frame it returns must not share
 * the buffer's memory: the caller reuses the buffer.
 *
 * <pre>{@code
 * FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
 * ByteBuffer received = ByteBuffer.allocate(64 * 1024);
 * while (connection.read(received) != -1) {
 *   received.flip();
 *   for (ByteBuffer frame; (frame = decoder.decode(received)) != null; ) {
 *     handle(frame);
 *   }
 *   received.compact();
 * }
 * received.flip();
 * for (ByteBuffer frame; (frame = decoder.decodeAtEnd(received)) != null; ) {
 *   handle(frame);                     // frames that only the end of stream completes
 * }                                    // null: a clean end between frames
 * }</pre>
 *
 * <h2>Errors</h2>
 * A {@link FrameException} is terminal: the decoder decodes nothing more. The one exception is a
 * {@link FrameTooLongException} whose {@link FrameTooLongException#discarded()} is true: the
 * decoder skips that frame and the next call goes on with the frames after it. The same bytes must
 * give the same frames and the same errors however they are split into reads.
 *
 * @param <T> the type of the frames
 */
public interface FrameDecoder<T> {

  /**
   * Decodes the next complete frame from the unconsumed bytes of {@code in}, advancing its position
   * past the bytes used, or returns {@code null} if more bytes are needed.
   *
   * @throws FrameTooLongException if a frame is over the codec's maximum
   * @throws MalformedFrameException if the bytes break the format
   * @throws IOException only as one of the above in the codecs of this library; a custom codec
   *     should throw a {@link FrameException} too
   */
  T decode(ByteBuffer in) throws IOException;

  /**
   * Called after the end of stream, in place of {@link #decode}, until it returns {@code null}:
   * returns the next frame that the end of stream completes (a final line without a terminator,
   * if the codec accepts one), or {@code null} when the stream ended cleanly between frames.
   *
   * <p>The default decodes the frames still complete in {@code in} and then, if any bytes are
   * left, throws {@link TruncatedFrameException} without knowing how many were missing. A decoder
   * that consumes part of a frame before returning it must override this method.
   *
   * @throws TruncatedFrameException if the stream ended inside a frame
   */
  default T decodeAtEnd(ByteBuffer in) throws IOException {
    T frame = decode(in);
    if (frame != null) {
      return frame;
    }
    if (in.hasRemaining()) {
      throw new TruncatedFrameException(in.remaining(), -1);
    }
    return null;
  }
}
