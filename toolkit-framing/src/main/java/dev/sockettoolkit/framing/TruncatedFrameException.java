package dev.sockettoolkit.framing;

/**
 * The stream ended inside a frame: the peer closed its output (or the connection) after sending
 * only part of a frame. An end of stream between two frames is a clean end, not this error.
 *
 * <pre>{@code
 * try {
 *   while ((message = channel.receive()) != null) {
 *     handle(message);
 *   }
 *   // clean end: the peer finished
 * } catch (TruncatedFrameException e) {
 *   // the peer went away in the middle of a message: e.missingBytes() were never sent
 * }
 * }</pre>
 */
public class TruncatedFrameException extends FrameException {
  private static final long serialVersionUID = 1L;

  private final long receivedBytes;
  private final long missingBytes;

  /**
   * Creates the exception.
   *
   * @param receivedBytes how many bytes of the unfinished frame arrived
   * @param missingBytes how many more bytes the frame needed, or -1 if the format cannot tell (a
   *     delimiter that never came)
   */
  public TruncatedFrameException(long receivedBytes, long missingBytes) {
    super(
        "end of stream inside a frame: received "
            + receivedBytes
            + " bytes of it, "
            + (missingBytes < 0
                ? "the rest (at least 1 byte) never arrived"
                : missingBytes + " bytes missing"));
    this.receivedBytes = receivedBytes;
    this.missingBytes = missingBytes;
  }

  /** How many bytes of the unfinished frame arrived. */
  public long receivedBytes() {
    return receivedBytes;
  }

  /** How many bytes the frame still needed, or -1 if unknown. */
  public long missingBytes() {
    return missingBytes;
  }
}
