/**
 * Frame codecs and message channels over a {@code Connection}.
 *
 * <p>Start with {@link dev.sockettoolkit.framing.MessageChannel} and the factories in {@link
 * dev.sockettoolkit.framing.FrameCodecs}.
 */
module dev.sockettoolkit.framing {
  requires transitive dev.sockettoolkit.core;
  // The JFR event dev.sockettoolkit.FrameError.
  requires jdk.jfr;

  exports dev.sockettoolkit.framing;
}
