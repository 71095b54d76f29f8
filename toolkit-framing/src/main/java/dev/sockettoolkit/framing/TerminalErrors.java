package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** What {@link FrameDecoder#withTerminalErrors} returns: remembers the first error, rethrows it. */
final class TerminalErrors<T> implements FrameDecoder<T> {
  private final FrameDecoder<T> decoder;
  private FrameException failure;

  TerminalErrors(FrameDecoder<T> decoder) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  @Override
  public T decode(ByteBuffer in) throws IOException {
    throwIfFailed();
    try {
      return decoder.decode(in);
    } catch (FrameException e) {
      throw remember(e);
    }
  }

  @Override
  public T decodeAtEnd(ByteBuffer in) throws IOException {
    throwIfFailed();
    try {
      return decoder.decodeAtEnd(in);
    } catch (FrameException e) {
      throw remember(e);
    }
  }

  @Override
  public T frameFromBody(ByteBuffer body) throws IOException {
    throwIfFailed();
    try {
      return decoder.frameFromBody(body);
    } catch (FrameException e) {
      throw remember(e);
    }
  }

  @Override
  public void lendFrames(boolean lend) {
    decoder.lendFrames(lend);
  }

  @Override
  public long pendingBodyLength() {
    return failure != null ? -1 : decoder.pendingBodyLength();
  }

  @Override
  public boolean acceptsDirectBuffer() {
    return decoder.acceptsDirectBuffer();
  }

  private void throwIfFailed() throws FrameException {
    if (failure != null) {
      throw failure;
    }
  }

  private FrameException remember(FrameException e) {
    if (!(e instanceof FrameTooLongException tooLong && tooLong.discarded())) {
      failure = e;
    }
    return e;
  }
}
