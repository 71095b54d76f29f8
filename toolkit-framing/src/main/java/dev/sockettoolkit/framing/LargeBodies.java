package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;

/**
 * A byte-frame decoder that can hand over a large frame before all of its body has arrived, so
 * that {@link MessageChannel} reads the rest of the body straight into the frame: one copy of
 * each byte fewer than reading it into the receive buffer and copying the frame out of it.
 * Implemented by the length-prefix decoder, whose header says how long the body is.
 */
interface LargeBodies {

  /**
   * If a frame's header has been consumed, its body is at least {@code minBody} bytes long and not
   * yet complete in {@code in}, and allocating all of it now costs at most {@code upFront} bytes or
   * twice the body bytes already received (so a peer that sends only a header cannot make the
   * channel hold more than {@code upFront}): takes a buffer for the body, a direct one from
   * {@code pool} if that is not null and {@link BufferPool#takeDirect} gives one, else a new heap
   * buffer; consumes the body bytes that {@code in} holds into it and returns it as the start of
   * that frame, in write mode with the body's length as its limit (the caller fills it to its
   * limit and flips it). The decoder then expects the next frame's header after the body.
   * Otherwise returns {@code null} and changes nothing.
   */
  ByteBuffer takeBody(ByteBuffer in, int minBody, int upFront, BufferPool pool);
}
