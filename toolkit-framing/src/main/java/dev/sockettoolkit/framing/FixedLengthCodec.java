package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Frames of exactly {@code length} bytes; see {@link FrameCodecs#fixedLength(int)}. */
final class FixedLengthCodec implements FrameCodec<ByteBuffer> {
  private final int length;

  FixedLengthCodec(int length) {
    this.length = length;
  }

  @Override
  public int maxFrameSize() {
    return length;
  }

  @Override
  public FrameDecoder<ByteBuffer> newDecoder() {
    return new Decoder();
  }

  private final class Decoder implements FrameDecoder<ByteBuffer> {
    private boolean lend;
    /** The end of stream cut a frame: terminal, like every decoding error. */
    private TruncatedFrameException failure;

    @Override
    public void lendFrames(boolean lend) {
      this.lend = lend;
    }

    @Override
    public ByteBuffer decode(ByteBuffer in) throws TruncatedFrameException {
      if (failure != null) {
        throw failure;
      }
      if (in.remaining() < length) {
        return null;
      }
      ByteBuffer frame = Frames.frame(in, in.position(), length, lend);
      in.position(in.position() + length);
      return frame;
    }

    @Override
    public ByteBuffer decodeAtEnd(ByteBuffer in) throws IOException {
      ByteBuffer frame = decode(in);
      if (frame == null && in.hasRemaining()) {
        failure = new TruncatedFrameException(in.remaining(), length - in.remaining());
        throw failure;
      }
      return frame;
    }
  }

  @Override
  public void encode(ByteBuffer frame, FrameSink out) throws IOException {
    if (frame.remaining() > length) {
      throw new FrameTooLongException(
          frame.remaining(), length, false, "a larger FrameCodecs.fixedLength(n)");
    }
    if (frame.remaining() != length) {
      throw new MalformedFrameException(
          "a fixed-length frame has exactly " + length + " bytes, got " + frame.remaining());
    }
    out.put(frame);
  }

  @Override
  public String toString() {
    return "FixedLengthCodec{" + length + " bytes}";
  }
}
