package dev.sockettoolkit.framing;

import java.util.Locale;

/**
 * A frame is longer than its codec's maximum frame size. Thrown by decoders as soon as the length
 * is known to exceed the limit (before the body is read or any memory is allocated for it), and by
 * encoders that are asked to send such a frame.
 *
 * <pre>{@code
 * FrameCodec<ByteBuffer> codec = FrameCodecs.lengthPrefix()
 *     .maxFrameSize(16 * 1024 * 1024)            // raise the limit on purpose
 *     .onTooLong(TooLongPolicy.DISCARD)          // skip oversized frames, keep the connection
 *     .build();
 * }</pre>
 *
 * <p>When {@link #discarded()} is true the decoder skips the frame's bytes and goes on decoding the
 * frames after it, and a {@link MessageChannel} stays open; otherwise the error is terminal and a
 * {@code MessageChannel} closes its connection.
 */
public class FrameTooLongException extends FrameException {
  private static final long serialVersionUID = 1L;

  private final long length;
  private final long limit;
  private final boolean discarded;

  /**
   * Creates the exception with the standard message.
   *
   * @param length the frame's length in bytes, or -1 when only "more than {@code limit}" is known
   *     (a delimiter that has not arrived)
   * @param limit the maximum frame size in bytes
   * @param discarded whether the decoder skips this frame and carries on
   */
  public FrameTooLongException(long length, long limit, boolean discarded) {
    this(length, limit, discarded, "maxFrameSize(...) on the codec's builder");
  }

  /**
   * Creates the exception with the standard message, naming {@code setting} as the way to raise
   * the limit.
   *
   * @param setting how to raise the limit, for example {@code "maxLineLength(...) on
   *     FrameCodecs.lines()"}
   */
  public FrameTooLongException(long length, long limit, boolean discarded, String setting) {
    super(message(length, limit, discarded, setting));
    this.length = length;
    this.limit = limit;
    this.discarded = discarded;
  }

  private static String message(long length, long limit, boolean discarded, String setting) {
    String size =
        length < 0 ? "more than " + limit + " bytes" : Long.toUnsignedString(length) + " bytes";
    return String.format(
        Locale.ROOT,
        "frame of %s exceeds the maximum frame size of %d bytes; raise it with %s if such"
            + " frames are expected%s",
        size,
        limit,
        setting,
        discarded ? " (the frame was discarded and decoding continues)" : "");
  }

  /** The frame's length in bytes, or -1 if only "more than {@link #limit()}" is known. */
  public long length() {
    return length;
  }

  /** The maximum frame size that was exceeded. */
  public long limit() {
    return limit;
  }

  /** Whether the decoder skips this frame and goes on decoding; false means the error is terminal. */
  public boolean discarded() {
    return discarded;
  }
}
