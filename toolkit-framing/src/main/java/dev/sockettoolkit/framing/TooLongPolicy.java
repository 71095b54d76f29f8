package dev.sockettoolkit.framing;

/**
 * What a decoder does after it has reported a frame over its maximum size with a {@link
 * FrameTooLongException}.
 *
 * <pre>{@code
 * FrameCodecs.lines().maxLineLength(1024).onTooLong(TooLongPolicy.DISCARD).build();
 * }</pre>
 */
public enum TooLongPolicy {
  /**
   * The error is terminal: the decoder decodes nothing more and a {@link MessageChannel} closes
   * the connection. The default, because a peer that sends oversized frames is usually broken or
   * hostile.
   */
  CLOSE,
  /**
   * The decoder skips the oversized frame's bytes without buffering them (up to the announced
   * length, or to the next delimiter) and then goes on decoding; a {@link MessageChannel} stays
   * open. The exception is still thrown, once per oversized frame, so the application knows.
   */
  DISCARD
}
