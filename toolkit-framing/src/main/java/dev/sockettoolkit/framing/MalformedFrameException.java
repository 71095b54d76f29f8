package dev.sockettoolkit.framing;

/**
 * The received bytes break the frame format: a negative or overflowing length, a varint longer
 * than 10 bytes, a fixed header that does not match, a bare CR or LF in strict CRLF mode, or text
 * that is not valid in the codec's charset.
 *
 * <pre>{@code
 * try {
 *   line = channel.receive();
 * } catch (MalformedFrameException e) {
 *   log.warning("bad input at byte " + e.offset() + ": " + e.getMessage());
 * }
 * }</pre>
 *
 * <p>A decoding error is terminal: the decoder decodes nothing more and a {@link MessageChannel}
 * closes its connection.
 */
public class MalformedFrameException extends FrameException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  /** Creates the exception; the offset of the offending byte is unknown. */
  public MalformedFrameException(String message) {
    this(message, -1);
  }

  /**
   * Creates the exception for the offending byte at {@code offset}, counted from the start of the
   * stream (or of the frame, where the message says so); the offset is appended to the message.
   */
  public MalformedFrameException(String message, long offset) {
    super(offset < 0 ? message : message + " (at byte offset " + offset + ")");
    this.offset = offset;
  }

  /** The offset of the offending byte, or -1 if unknown. */
  public long offset() {
    return offset;
  }
}
