package dev.sockettoolkit.framing;

import java.io.IOException;

/**
 * The bytes received do not form a valid frame: the common base of {@link FrameTooLongException},
 * {@link MalformedFrameException} and {@link TruncatedFrameException}.
 *
 * <pre>{@code
 * try {
 *   message = channel.receive();
 * } catch (FrameException e) {
 *   // the peer broke the protocol; the channel has closed the connection
 *   // unless the codec discards oversized frames (see FrameTooLongException#discarded())
 * }
 * }</pre>
 */
public class FrameException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the problem and, where possible, the fix. */
  public FrameException(String message) {
    super(message);
  }

  /** As {@link #FrameException(String)}, with the underlying cause. */
  public FrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
