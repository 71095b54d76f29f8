package dev.sockettoolkit.framing;

/**
 * A byte-frame decoder that can return views of the receive buffer instead of copies, for {@link
 * MessageChannel#receiveBatch}: the views stay valid as long as the caller neither reads into
 * the buffer nor compacts it, which the channel guarantees until the batch's handler returns.
 * Implemented by the library's byte-frame decoders only; a custom decoder always copies, and so
 * does a {@linkplain FrameCodecs#map mapped} codec, whose mapping function might keep the buffer.
 */
interface FrameLending {

  /** Whether the frames returned from now on may be views of the buffer passed to decode. */
  void lendFrames(boolean lend);
}
