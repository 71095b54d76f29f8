package dev.sockettoolkit.framing;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Frames with a length header: {@code [fixed header][length][payload]}. The length field is 1, 2,
 * 3, 4 or 8 bytes in either byte order, or an unsigned LEB128 varint (the format of protobuf's
 * {@code writeDelimitedTo}). Decoded frames are the payload alone, in a new buffer the caller owns.
 *
 * <pre>{@code
 * LengthPrefixCodec codec = FrameCodecs.lengthPrefix()
 *     .width(2)
 *     .byteOrder(ByteOrder.LITTLE_ENDIAN)
 *     .lengthIncludesHeader()                    // the length field counts its own 2 bytes
 *     .maxFrameSize(8 * 1024)
 *     .build();
 * }</pre>
 *
 * <h2>Lengths</h2>
 * The length field holds {@code payload length + adjustment}. It is read as unsigned; an 8-byte
 * field with the top bit set, a varint of more than 10 bytes or over 2<sup>63</sup>-1, and a field
 * smaller than the adjustment are a {@link MalformedFrameException}. A payload over {@link
 * #maxFrameSize()} is a {@link FrameTooLongException} as soon as the header has arrived, before the
 * body is buffered; with {@link TooLongPolicy#DISCARD} the body is then skipped as it arrives.
 * Zero-length frames are valid.
 */
public final class LengthPrefixCodec implements FrameCodec<ByteBuffer> {
  /** The default maximum payload size, 1 MiB (lowered to what a narrow length field can express). */
  public static final int DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

  private static final String SETTING = "maxFrameSize(...) on FrameCodecs.lengthPrefix()";

  /** Longest fixed header accepted, so that buffers stay within maxFrameSize plus a small constant. */
  static final int MAX_FIXED_HEADER = 64;

  private final int width; // 0 for varint
  private final ByteOrder order;
  private final long adjustment;
  private final byte[] fixedHeader;
  private final int maxFrameSize;
  private final TooLongPolicy tooLong;

  private LengthPrefixCodec(Builder b) {
    this.width = b.width;
    this.order = b.order;
    this.fixedHeader = b.fixedHeader.clone();
    this.adjustment =
        b.adjustment + (b.includesHeader ? (long) fixedHeader.length + width : 0L);
    long fieldMax = fieldMax(width);
    checkArgument(
        adjustment <= fieldMax,
        "lengthAdjustment %s does not fit in a %s-byte length field",
        adjustment,
        width);
    long representable = Math.min(Integer.MAX_VALUE - 1024, fieldMax - Math.max(0, adjustment));
    if (b.maxFrameSize < 0) {
      this.maxFrameSize = (int) Math.min(DEFAULT_MAX_FRAME_SIZE, representable);
    } else {
      checkArgument(
          b.maxFrameSize <= representable,
          "maxFrameSize %s cannot be expressed in a %s-byte length field with adjustment %s;"
              + " the largest is %s",
          b.maxFrameSize,
          width == 0 ? "varint" : width,
          adjustment,
          representable);
      this.maxFrameSize = b.maxFrameSize;
    }
    this.tooLong = b.tooLong;
  }

  private static long fieldMax(int width) {
    return width == 0 || width == 8 ? Long.MAX_VALUE : (1L << (8 * width)) - 1;
  }

  /** A builder with the defaults: 4-byte big-endian length of the payload alone, 1 MiB maximum. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int maxFrameSize() {
    return maxFrameSize;
  }

  @Override
  public FrameDecoder<ByteBuffer> newDecoder() {
    return new Decoder();
  }

  @Override
  public void encode(ByteBuffer frame, FrameSink out) throws IOException {
    int length = frame.remaining();
    if (length > maxFrameSize) {
      throw new FrameTooLongException(length, maxFrameSize, false, SETTING);
    }
    long field = length + adjustment;
    if (field < 0) {
      throw new MalformedFrameException(
          "a payload of " + length + " bytes cannot be sent with length adjustment " + adjustment
              + ": the length field would be negative");
    }
    out.put(fixedHeader);
    if (width == 0) {
      while ((field & ~0x7FL) != 0) {
        out.put((byte) ((field & 0x7F) | 0x80));
        field >>>= 7;
      }
      out.put((byte) field);
    } else if (order == ByteOrder.BIG_ENDIAN) {
      for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
        out.put((byte) (field >>> shift));
      }
    } else {
      for (int i = 0; i < width; i++) {
        out.put((byte) (field >>> (8 * i)));
      }
    }
    out.put(frame);
  }

  @Override
  public String toString() {
    return "LengthPrefixCodec{"
        + (width == 0 ? "varint" : width + " bytes " + order)
        + ", adjustment " + adjustment
        + (fixedHeader.length > 0 ? ", fixed header " + fixedHeader.length + " bytes" : "")
        + ", max " + maxFrameSize + ", " + tooLong + "}";
  }

  /** Decoding state for one stream. */
  private final class Decoder implements FrameDecoder<ByteBuffer> {
    private FrameException failure;
    private boolean lend;
    /** Bytes of the current header examined so far (fixed header, then varint bytes). */
    private int headerScanned;
    private long varint;
    /** Payload length of the frame whose header was consumed, or -1 while reading a header. */
    private long bodyLength = -1;
    private int headerLength;
    private boolean discarding;
    /** Stream offset of the buffer's position, for error messages. */
    private long offset;

    @Override
    public void lendFrames(boolean lend) {
      this.lend = lend;
    }

    @Override
    public ByteBuffer decode(ByteBuffer in) throws IOException {
      if (failure != null) {
        throw failure;
      }
      try {
        return decodeFrame(in);
      } catch (FrameException e) {
        if (!(e instanceof FrameTooLongException && ((FrameTooLongException) e).discarded())) {
          failure = e;
        }
        throw e;
      }
    }

    private ByteBuffer decodeFrame(ByteBuffer in) throws FrameException {
      if (discarding) {
        int skip = (int) Math.min(bodyLength, in.remaining());
        consume(in, skip);
        bodyLength -= skip;
        if (bodyLength > 0) {
          return null;
        }
        discarding = false;
        bodyLength = -1;
      }
      if (bodyLength < 0 && !readHeader(in)) {
        return null;
      }
      if (in.remaining() < bodyLength) {
        return null;
      }
      int length = (int) bodyLength;
      ByteBuffer frame = Frames.frame(in, in.position(), length, lend);
      consume(in, length);
      bodyLength = -1;
      return frame;
    }

    /** Parses and consumes a header; returns false if more bytes are needed. */
    private boolean readHeader(ByteBuffer in) throws FrameException {
      int p = in.position();
      int available = in.remaining();
      while (headerScanned < fixedHeader.length) {
        if (headerScanned >= available) {
          return false;
        }
        if (in.get(p + headerScanned) != fixedHeader[headerScanned]) {
          throw new MalformedFrameException(
              "fixed header byte " + headerScanned + " is "
                  + (in.get(p + headerScanned) & 0xFF) + ", expected " + (fixedHeader[headerScanned] & 0xFF),
              offset + headerScanned);
        }
        headerScanned++;
      }
      long field;
      if (width == 0) {
        while (true) {
          if (headerScanned >= available) {
            return false;
          }
          int i = headerScanned - fixedHeader.length;
          int b = in.get(p + headerScanned) & 0xFF;
          headerScanned++;
          if (i == 9 && b > 0) {
            throw new MalformedFrameException(
                b > 1
                    ? "varint length overflows 64 bits"
                    : "varint length is over 2^63-1",
                offset + headerScanned - 1);
          }
          varint |= (long) (b & 0x7F) << (7 * i);
          if ((b & 0x80) == 0) {
            break; // always by the 10th byte: a 10th byte other than 0 was refused above
          }
        }
        field = varint;
        headerLength = headerScanned;
      } else {
        headerLength = fixedHeader.length + width;
        if (available < headerLength) {
          return false;
        }
        field = 0;
        int base = p + fixedHeader.length;
        if (width == 4) {
          // The common header in one bounds-checked read.
          int v = in.getInt(base);
          field = (in.order() == order ? v : Integer.reverseBytes(v)) & 0xFFFFFFFFL;
        } else if (order == ByteOrder.BIG_ENDIAN) {
          for (int i = 0; i < width; i++) {
            field = (field << 8) | (in.get(base + i) & 0xFF);
          }
        } else {
          for (int i = width - 1; i >= 0; i--) {
            field = (field << 8) | (in.get(base + i) & 0xFF);
          }
        }
        if (field < 0) {
          throw new MalformedFrameException(
              "8-byte length field " + Long.toUnsignedString(field) + " is over 2^63-1", offset);
        }
      }
      long payload = field - adjustment;
      if (adjustment < 0 && payload < field) {
        throw new MalformedFrameException(
            "length field " + field + " overflows with adjustment " + adjustment, offset);
      }
      if (payload < 0) {
        throw new MalformedFrameException(
            "length field " + field + " is smaller than the length adjustment " + adjustment
                + " (a frame's length must count at least its header)",
            offset);
      }
      consume(in, headerLength);
      headerScanned = 0;
      varint = 0;
      bodyLength = payload;
      if (payload > maxFrameSize) {
        if (tooLong == TooLongPolicy.DISCARD) {
          discarding = true;
          throw new FrameTooLongException(payload, maxFrameSize, true, SETTING);
        }
        throw new FrameTooLongException(payload, maxFrameSize, false, SETTING);
      }
      return true;
    }

    @Override
    public boolean acceptsDirectBuffer() {
      return true; // reads headers only; bodies are sliced or copied in bulk
    }

    @Override
    public long pendingBodyLength() {
      return failure != null || discarding ? -1 : bodyLength;
    }

    @Override
    public ByteBuffer frameFromBody(ByteBuffer body) {
      if (bodyLength < 0 || body.remaining() != bodyLength) {
        throw new IllegalStateException(
            "frameFromBody got " + body.remaining() + " bytes for a body of " + bodyLength);
      }
      offset += bodyLength; // the bytes read straight into the body count as consumed too
      bodyLength = -1;
      return body;
    }

    private void consume(ByteBuffer in, int n) {
      in.position(in.position() + n);
      offset += n;
    }

    @Override
    public ByteBuffer decodeAtEnd(ByteBuffer in) throws IOException {
      ByteBuffer frame = decode(in);
      if (frame != null) {
        return frame;
      }
      int left = in.remaining();
      if (bodyLength >= 0) {
        failure = new TruncatedFrameException(headerLength + left, bodyLength - left);
        throw failure;
      }
      if (left > 0) {
        long missing = width == 0 ? -1 : fixedHeader.length + width - left;
        failure = new TruncatedFrameException(left, missing);
        throw failure;
      }
      return null;
    }
  }

  /**
   * Settings of a {@link LengthPrefixCodec}. Start from {@link FrameCodecs#lengthPrefix()}.
   *
   * <pre>{@code
   * FrameCodecs.lengthPrefix().varint().maxFrameSize(64 * 1024).build();
   * }</pre>
   */
  public static final class Builder {
    private int width = 4;
    private ByteOrder order = ByteOrder.BIG_ENDIAN;
    private int adjustment;
    private boolean includesHeader;
    private byte[] fixedHeader = new byte[0];
    private int maxFrameSize = -1;
    private TooLongPolicy tooLong = TooLongPolicy.CLOSE;

    private Builder() {}

    /** The length field is {@code bytes} wide: 1, 2, 3, 4 (the default) or 8. */
    public Builder width(int bytes) {
      checkArgument(
          bytes == 1 || bytes == 2 || bytes == 3 || bytes == 4 || bytes == 8,
          "width must be 1, 2, 3, 4 or 8 bytes, got %s; use varint() for a variable width",
          bytes);
      this.width = bytes;
      return this;
    }

    /** The length field is an unsigned LEB128 varint of 1 to 10 bytes (protobuf's delimited format). */
    public Builder varint() {
      this.width = 0;
      return this;
    }

    /** The byte order of a fixed-width length field; big endian (network order) by default. */
    public Builder byteOrder(ByteOrder order) {
      this.order = Objects.requireNonNull(order, "order");
      return this;
    }

    /**
     * The length field holds the payload length plus {@code adjustment} (0 by default). This is
     * Netty's {@code LengthFieldPrepender} adjustment, and the negation of the {@code
     * LengthFieldBasedFrameDecoder} one.
     */
    public Builder lengthAdjustment(int adjustment) {
      this.adjustment = adjustment;
      return this;
    }

    /**
     * The length field counts the whole frame: the fixed header, the length field itself and the
     * payload. Adds the header size to the {@link #lengthAdjustment}. Not available with {@link
     * #varint()}, whose own width depends on the length.
     */
    public Builder lengthIncludesHeader() {
      this.includesHeader = true;
      return this;
    }

    /**
     * Constant bytes that come before the length field (a magic number, a version): written by
     * the encoder and checked by the decoder, a mismatch being a {@link MalformedFrameException}.
     * At most {@value LengthPrefixCodec#MAX_FIXED_HEADER} bytes; none by default.
     */
    public Builder fixedHeader(byte... bytes) {
      Objects.requireNonNull(bytes, "bytes");
      checkArgument(
          bytes.length <= MAX_FIXED_HEADER,
          "a fixed header has at most %s bytes, got %s",
          MAX_FIXED_HEADER,
          bytes.length);
      this.fixedHeader = bytes.clone();
      return this;
    }

    /**
     * The largest payload decoded or encoded, in bytes; {@value
     * LengthPrefixCodec#DEFAULT_MAX_FRAME_SIZE} by default (or less, if the length field cannot
     * express that much). Must fit in the length field.
     */
    public Builder maxFrameSize(int bytes) {
      checkArgument(bytes >= 0, "maxFrameSize must not be negative, got %s", bytes);
      this.maxFrameSize = bytes;
      return this;
    }

    /** What happens after a frame over the maximum: {@link TooLongPolicy#CLOSE} by default. */
    public Builder onTooLong(TooLongPolicy policy) {
      this.tooLong = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The codec.
     *
     * @throws IllegalArgumentException if the settings contradict each other (a maximum the field
     *     cannot express, {@link #lengthIncludesHeader()} with {@link #varint()})
     */
    public LengthPrefixCodec build() {
      checkArgument(
          !(includesHeader && width == 0),
          "lengthIncludesHeader() cannot be combined with varint(): the header's width depends on"
              + " the length");
      return new LengthPrefixCodec(this);
    }
  }
}
