package dev.sockettoolkit.core.internal;

import java.io.IOException;
import java.util.Locale;

/**
 * Decides whether a low-level I/O failure means the peer reset the connection: the one place
 * that knows how the JDK reports a TCP reset or a broken pipe.
 *
 * <p>By type where the JDK allows: its NIO socket channels report a reset on read as {@code
 * sun.net.ConnectionResetException} (a {@link java.net.SocketException} of an unexported
 * package, so matched by class name). A reset during a write, a broken pipe and the failures of
 * Unix-domain channels come as plain {@link IOException}s whose only mark is the operating
 * system's message text; for those the text is the fallback: {@code "Connection reset"}, {@code
 * "Connection reset by peer"}, {@code "Broken pipe"} on Linux and macOS, and Windows's
 * "forcibly closed by the remote host". Matched without case, so a JDK that rewords the case
 * still matches.
 */
public final class Resets {
  private static final String JDK_RESET_TYPE = "sun.net.ConnectionResetException";
  private static final String[] RESET_TEXTS = {
    "connection reset", "broken pipe", "forcibly closed by the remote host"
  };

  private Resets() {}

  /** Whether {@code e} means that the peer reset the connection (or it broke under a write). */
  public static boolean isReset(IOException e) {
    if (JDK_RESET_TYPE.equals(e.getClass().getName())) {
      return true;
    }
    String message = e.getMessage();
    if (message == null) {
      return false;
    }
    String text = message.toLowerCase(Locale.ROOT);
    for (String reset : RESET_TEXTS) {
      if (text.contains(reset)) {
        return true;
      }
    }
    return false;
  }
}
