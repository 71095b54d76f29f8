package dev.sockettoolkit.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Netstrings ({@code 5:hello,}), written against the public SPI alone: the worked example of
 * docs/CUSTOM_CODECS.md. Keep the two in step.
 */
final class NetstringCodec implements FrameCodec<ByteBuffer> {
  private final int maxFrameSize;

  NetstringCodec(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public int maxFrameSize() {
    return maxFrameSize;
  }

  @Override
  public void encode(ByteBuffer frame, FrameSink out) throws IOException {
    int length = frame.remaining();
    if (length > maxFrameSize) {
      throw new FrameTooLongException(length, maxFrameSize, false);
    }
    out.put(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
    out.put((byte) ':');
    out.put(frame); // by reference when large: no copy
    out.put((byte) ',');
  }

  @Override
  public FrameDecoder<ByteBuffer> newDecoder() {
    return new FrameDecoder<>() {
      private int digits; // length digits already examined, relative to the buffer's position
      private long length; // their value
      private FrameException failure; // errors are terminal

      @Override
      public ByteBuffer decode(ByteBuffer in) throws IOException {
        if (failure != null) {
          throw failure;
        }
        try {
          return next(in);
        } catch (FrameException e) {
          failure = e;
          throw e;
        }
      }

      private ByteBuffer next(ByteBuffer in) throws FrameException {
        int p = in.position();
        // 1. The length: digits up to ':', each examined once.
        while (true) {
          if (digits >= in.remaining()) {
            return null; // need more
          }
          byte b = in.get(p + digits);
          if (b == ':' && digits > 0) {
            break;
          }
          if (b < '0' || b > '9' || (digits == 1 && length == 0)) {
            throw new MalformedFrameException("bad netstring length byte " + (b & 0xFF));
          }
          length = length * 10 + (b - '0');
          digits++;
          if (length > maxFrameSize) { // before the body is buffered
            throw new FrameTooLongException(length, maxFrameSize, false);
          }
        }
        // 2. The body and the ','.
        int header = digits + 1;
        if (in.remaining() < header + length + 1) {
          return null;
        }
        if (in.get(p + header + (int) length) != ',') {
          throw new MalformedFrameException("netstring does not end with ','");
        }
        ByteBuffer frame = ByteBuffer.allocate((int) length); // the caller owns it
        in.get(p + header, frame.array(), 0, (int) length);
        in.position(p + header + (int) length + 1); // consume the frame
        digits = 0;
        length = 0;
        return frame;
      }
      // decodeAtEnd: the default (leftover bytes are a TruncatedFrameException) is right here.
    };
  }
}
