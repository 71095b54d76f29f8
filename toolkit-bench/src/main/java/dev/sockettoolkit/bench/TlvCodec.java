package dev.sockettoolkit.bench;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameDecoder;
import dev.sockettoolkit.framing.FrameException;
import dev.sockettoolkit.framing.FrameSink;
import dev.sockettoolkit.framing.FrameTooLongException;
import dev.sockettoolkit.framing.MalformedFrameException;
import dev.sockettoolkit.framing.TruncatedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A custom type-length-value codec written against the public {@code FrameDecoder} SPI alone, with
 * both zero-copy opt-ins ({@code lendFrames}, and {@code pendingBodyLength} with {@code
 * frameFromBody}): a one-byte type (which must be {@link #TYPE}), a four-byte big-endian length,
 * then the value, which is the frame. {@code DecodeBenchmark}'s {@code tlv} format measures it
 * against the library's length-prefix codec, and {@code docs/CUSTOM_CODECS.md} walks through it.
 */
public final class TlvCodec implements FrameCodec<ByteBuffer> {
  /** The one type this codec carries. */
  public static final byte TYPE = 1;
  private static final int HEADER = 5;

  private final int maxFrameSize;

  /** A codec of values up to {@code maxFrameSize} bytes. */
  public TlvCodec(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public int maxFrameSize() {
    return maxFrameSize;
  }

  @Override
  public void encode(ByteBuffer value, FrameSink out) throws IOException {
    int length = value.remaining();
    if (length > maxFrameSize) {
      throw new FrameTooLongException(length, maxFrameSize, false, "new TlvCodec(max)");
    }
    out.put(TYPE);
    out.put((byte) (length >>> 24));
    out.put((byte) (length >>> 16));
    out.put((byte) (length >>> 8));
    out.put((byte) length);
    out.put(value);
  }

  @Override
  public FrameDecoder<ByteBuffer> newDecoder() {
    return new Decoder();
  }

  @Override
  public String toString() {
    return "TlvCodec{max " + maxFrameSize + "}";
  }

  private final class Decoder implements FrameDecoder<ByteBuffer> {
    /** The value length of the frame whose header was consumed, or -1 between frames. */
    private int length = -1;
    private boolean lend;
    private FrameException failure;

    @Override
    public void lendFrames(boolean lend) {
      this.lend = lend;
    }

    @Override
    public ByteBuffer decode(ByteBuffer in) throws IOException {
      if (failure != null) {
        throw failure; // errors are terminal
      }
      if (length < 0) {
        if (in.remaining() < HEADER) {
          return null;
        }
        int p = in.position();
        if (in.get(p) != TYPE) {
          throw failure = new MalformedFrameException("unknown type " + in.get(p));
        }
        int announced = in.getInt(p + 1); // absolute reads: the buffer may be direct
        if (announced < 0 || announced > maxFrameSize) {
          throw failure =
              new FrameTooLongException(
                  announced & 0xFFFFFFFFL, maxFrameSize, false, "new TlvCodec(max)");
        }
        in.position(p + HEADER);
        length = announced;
      }
      if (in.remaining() < length) {
        return null;
      }
      int p = in.position();
      ByteBuffer value =
          lend
              ? in.slice(p, length)
              : ByteBuffer.allocate(length).put(0, in, p, length);
      in.position(p + length);
      length = -1;
      return value;
    }

    @Override
    public ByteBuffer decodeAtEnd(ByteBuffer in) throws IOException {
      ByteBuffer value = decode(in);
      if (value == null && (length >= 0 || in.hasRemaining())) {
        int have = in.remaining();
        throw failure =
            new TruncatedFrameException(have, length >= 0 ? length - have : HEADER - have);
      }
      return value;
    }

    @Override
    public boolean acceptsDirectBuffer() {
      return true; // reads the five header bytes with absolute gets; values are sliced or copied
    }

    @Override
    public long pendingBodyLength() {
      return failure == null ? length : -1;
    }

    @Override
    public ByteBuffer frameFromBody(ByteBuffer body) {
      length = -1; // the channel consumed the value; next comes a header
      return body;
    }
  }
}
