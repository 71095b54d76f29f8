package dev.sockettoolkit.framing;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR event for a codec error a {@link MessageChannel} met while receiving: at most one per
 * connection (the error closes it) except for skipped too-long frames, so cheap to keep on.
 */
@Name("dev.sockettoolkit.FrameError")
@Label("Frame Error")
@Category("Socket Toolkit")
@Description("A received frame the codec refused: too long, malformed or truncated")
@StackTrace(false)
final class FrameErrorEvent extends Event {
  @Label("Codec")
  String codec;

  @Label("Kind")
  @Description("too_long, too_long_discarded, malformed, truncated or other")
  String kind;

  @Label("Exception")
  @Description("The exception's class and message")
  String exception;

  @Label("Byte Offset")
  @Description("Where in the received stream the frame that failed starts")
  @DataAmount
  long offset;

  @Label("Remote Address")
  String remoteAddress;
}
