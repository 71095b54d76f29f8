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
 * discards). A frame it returns must consume at least one byte, and the position must never move
 * backwards or past the limit: {@link MessageChannel} fails with an {@link IllegalStateException}
 * naming the codec otherwise, rather than return the same frame forever. A decoder must never keep
 * a reference to the buffer, and a frame it returns must not share the buffer's memory (the caller
 * reuses the buffer), except while the caller {@linkplain #lendFrames lends frames}.
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
 * <h2>Zero copy, for any decoder that wants it</h2>
 * Two optional methods give a custom decoder the fast path of the library's own byte codecs; the
 * defaults opt out, which is always correct.
 * <ul>
 *   <li>{@link #lendFrames}: while {@link MessageChannel#receiveBatch} hands a batch to its
 *       handler, a decoder may return views of the receive buffer ({@code in.slice(index,
 *       length)}) instead of copies.
 *   <li>{@link #pendingBodyLength} and {@link #frameFromBody}: a decoder that has parsed a header
 *       saying how long the body is lets the channel read a large body straight into the frame
 *       (one copy of every byte fewer), as the length-prefix codec does.
 * </ul>
 * {@code docs/CUSTOM_CODECS.md} shows a type-length-value decoder doing both.
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

  /**
   * Whether the frames this decoder returns from now on may be views of the buffer passed to
   * {@link #decode} instead of copies. {@link MessageChannel#receiveBatch} turns lending on while
   * it gathers a batch and off before it reads again; meanwhile it neither reads into the buffer
   * nor moves its bytes, so a view ({@code in.slice(in.position(), length)}) stays valid until the
   * handler returns. The default ignores the call and the decoder keeps returning copies, which is
   * always correct; a decoder whose frames do not share the buffer's bytes (decoded text, parsed
   * objects) has nothing to gain.
   *
   * <pre>{@code
   * private boolean lend;
   *
   * public void lendFrames(boolean lend) { this.lend = lend; }
   *
   * // in decode, once the frame's bytes are complete at in.position():
   * ByteBuffer frame = lend
   *     ? in.slice(in.position(), length)
   *     : ByteBuffer.allocate(length).put(in.slice(in.position(), length)).flip();
   * in.position(in.position() + length);
   * }</pre>
   */
  default void lendFrames(boolean lend) {}

  /**
   * The length of the body of the frame in progress: the decoder has consumed its header, which
   * said the body is this many bytes, and has not yet returned it; -1 otherwise (the default:
   * between frames, or for a decoder that does not tell). Called after {@link #decode} returned
   * null. A channel may then take the body over: it consumes the body bytes that {@code in} holds,
   * reads the rest from the connection straight into a buffer of its own, and passes the whole body
   * to {@link #frameFromBody}, instead of calling {@code decode} again. It does that only for a
   * large body (32 KiB or more) whose header arrived, so that a peer that sends a header alone
   * cannot make it allocate more than the frame size limit allows.
   * A decoder that takes bodies usually reads only headers from the buffer: say so with {@link
   * #acceptsDirectBuffer()}.
   */
  default long pendingBodyLength() {
    return -1;
  }

  /**
   * The frame made of {@code body}, the whole body of the frame whose length {@link
   * #pendingBodyLength} returned, ready to read; the decoder then expects the next frame's header.
   * A decoder that returns a non-negative {@code pendingBodyLength} must implement it. {@code body}
   * is the caller's buffer: the frame may be it, or wrap it.
   *
   * @throws UnsupportedOperationException if the decoder never returns a body length (the default)
   * @throws IOException as {@link #decode}, if the body breaks the format
   */
  default T frameFromBody(ByteBuffer body) throws IOException {
    throw new UnsupportedOperationException(
        getClass().getName() + " returned a pendingBodyLength but does not implement frameFromBody");
  }

  /**
   * Whether this decoder works as well on a direct receive buffer (no accessible array: {@code
   * in.hasArray()} is false) as on a heap one: true for a decoder that reads a few header bytes
   * with absolute {@code get}s and returns slices or copies of the rest. The channel then receives
   * into direct memory, which the socket fills without the JDK's extra copy. The default, false,
   * keeps a heap buffer: right for a decoder that scans every byte, which is fastest on an array,
   * or that uses {@code in.array()}.
   */
  default boolean acceptsDirectBuffer() {
    return false;
  }

  /**
   * {@code decoder} with its errors made terminal: after it throws a {@link FrameException} (other
   * than a {@linkplain FrameTooLongException#discarded() discarded} too-long frame), every further
   * call throws that exception again, as the contract requires, without the decoder keeping track
   * itself. The zero-copy methods are passed through.
   *
   * <pre>{@code
   * public FrameDecoder<Record> newDecoder() {
   *   return FrameDecoder.withTerminalErrors(new RecordDecoder());
   * }
   * }</pre>
   */
  static <T> FrameDecoder<T> withTerminalErrors(FrameDecoder<T> decoder) {
    return new TerminalErrors<>(decoder);
  }
}
