package dev.sockettoolkit.framing;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Frames that end with a delimiter byte sequence, one of several. Decoded frames are new buffers
 * the caller owns, without the delimiter unless {@link Builder#keepDelimiter(boolean)} asks for
 * it.
 *
 * <pre>{@code
 * DelimiterCodec codec = FrameCodecs.delimiter(new byte[] {0})   // NUL-terminated frames
 *     .maxFrameSize(4096)
 *     .onTooLong(TooLongPolicy.DISCARD)                            // skip to the next NUL
 *     .build();
 * }</pre>
 *
 * <h2>Matching</h2>
 * A frame ends at the first position where a delimiter starts. When several delimiters match
 * there, the longest wins, so with {@code \r} and {@code \r\n} the decoder waits for the byte after
 * a {@code \r} (or the end of stream) before it decides. The encoder appends the longest delimiter
 * (the first of them if several are as long) and refuses a payload that would not decode back to
 * itself because it contains a delimiter.
 *
 * <h2>Limits</h2>
 * The maximum counts the frame's content, never the delimiter or part of one. It is enforced
 * while scanning: once {@code maxFrameSize + 1} bytes have arrived without a delimiter the decoder
 * throws {@link FrameTooLongException} at once, so a peer that never sends a delimiter cannot
 * grow the buffer past the limit. With {@link TooLongPolicy#DISCARD} the decoder then drops bytes
 * up to and including the next delimiter (keeping a partly received delimiter until it is
 * complete) and carries on with the frame after it.
 */
public final class DelimiterCodec implements FrameCodec<ByteBuffer> {
  /** The default maximum frame size, 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;

  private static final String SETTING = "maxFrameSize(...) on FrameCodecs.delimiter(...)";

  /** Longest delimiter accepted, so that buffers stay within maxFrameSize plus a small constant. */
  static final int MAX_DELIMITER_LENGTH = 64;

  private final byte[][] delimiters;
  private final byte[] encodeDelimiter;
  /** Finds the bytes that start a delimiter. */
  private final ByteScan firstBytes;
  private final boolean keepDelimiter;
  private final int maxFrameSize;
  private final TooLongPolicy tooLong;

  private DelimiterCodec(Builder b) {
    this.delimiters = b.delimiters;
    byte[] longest = delimiters[0];
    for (byte[] d : delimiters) {
      if (d.length > longest.length) {
        longest = d;
      }
    }
    this.encodeDelimiter = longest;
    boolean[] starts = new boolean[256];
    for (byte[] d : delimiters) {
      starts[d[0] & 0xFF] = true;
    }
    this.firstBytes = new ByteScan(starts);
    this.keepDelimiter = b.keepDelimiter;
    this.maxFrameSize = b.maxFrameSize;
    this.tooLong = b.tooLong;
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
    if (keepDelimiter) {
      int end = firstFrameEnd(frame, null);
      if (end < 0
          || end + delimiterLengthAt(frame, end) != length
          || endsWithTheStartOfADelimiter(frame)) {
        throw new MalformedFrameException(
            "a frame sent with keepDelimiter must end with exactly one delimiter, contain no"
                + " other, and not end with the start of a longer one");
      }
      if (end > maxFrameSize) {
        throw new FrameTooLongException(end, maxFrameSize, false, SETTING);
      }
      out.put(frame);
      return;
    }
    if (length > maxFrameSize) {
      throw new FrameTooLongException(length, maxFrameSize, false, SETTING);
    }
    int end = firstFrameEnd(frame, encodeDelimiter);
    if (end != length) {
      throw new MalformedFrameException(
          "the payload contains a delimiter (or the start of one that its terminating delimiter"
              + " completes), so it would not decode as one frame",
          end);
    }
    out.put(frame);
    out.put(encodeDelimiter);
  }

  /**
   * Where the first frame of {@code frame + suffix} ends, with the decoder's longest-match rule at
   * an end of stream after the suffix; -1 if no delimiter matches.
   */
  private int firstFrameEnd(ByteBuffer frame, byte[] suffix) {
    int p = frame.position();
    int length = frame.remaining();
    int total = length + (suffix == null ? 0 : suffix.length);
    for (int s = 0; s < total; s++) {
      if (s < length) {
        // No delimiter starts at a byte that starts none: skip to the next that does.
        s = firstBytes.indexIn(frame, p + s, p + length) - p;
        if (s == length && suffix == null) {
          break;
        }
      }
      for (byte[] d : delimiters) {
        if (s + d.length > total) {
          continue;
        }
        int i = 0;
        while (i < d.length) {
          int at = s + i;
          byte b = at < length ? frame.get(p + at) : suffix[at - length];
          if (b != d[i]) {
            break;
          }
          i++;
        }
        if (i == d.length) {
          return s;
        }
      }
    }
    return -1;
  }

  /**
   * Whether a delimiter runs off the end of {@code frame} with every byte matching: the next
   * frame's first bytes could complete it, and the decoder would then end this frame there.
   */
  private boolean endsWithTheStartOfADelimiter(ByteBuffer frame) {
    int p = frame.position();
    int length = frame.remaining();
    for (int s = Math.max(0, length - MAX_DELIMITER_LENGTH); s < length; s++) {
      for (byte[] d : delimiters) {
        if (s + d.length > length && startsWith(d, frame, p + s, length - s)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The length of the longest delimiter that matches at {@code s}. (A longer one that it starts
   * would end the frame in the next frame's bytes: {@link #endsWithTheStartOfADelimiter} refuses
   * that.)
   */
  private int delimiterLengthAt(ByteBuffer frame, int s) {
    int p = frame.position();
    int best = 0;
    for (byte[] d : delimiters) {
      if (s + d.length <= frame.remaining()
          && frame.slice(p + s, d.length).equals(ByteBuffer.wrap(d))) {
        best = Math.max(best, d.length);
      }
    }
    return best;
  }

  private static boolean startsWith(byte[] d, ByteBuffer frame, int at, int n) {
    for (int i = 0; i < n; i++) {
      if (d[i] != frame.get(at + i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DelimiterCodec{");
    for (byte[] d : delimiters) {
      sb.append(Arrays.toString(d)).append(' ');
    }
    return sb.append(keepDelimiter ? "kept" : "stripped")
        .append(", max ").append(maxFrameSize).append(", ").append(tooLong).append('}')
        .toString();
  }

  /** Decoding state for one stream. */
  private final class Decoder implements FrameDecoder<ByteBuffer> {
    private final DelimiterScanner scanner =
        new DelimiterScanner(
            delimiters, null, maxFrameSize, tooLong == TooLongPolicy.DISCARD, SETTING);
    private FrameException failure;
    private boolean lend;

    @Override
    public void lendFrames(boolean lend) {
      this.lend = lend;
    }

    @Override
    public ByteBuffer decode(ByteBuffer in) throws IOException {
      return next(in, false);
    }

    @Override
    public ByteBuffer decodeAtEnd(ByteBuffer in) throws IOException {
      ByteBuffer frame = next(in, true);
      if (frame == null && in.hasRemaining()) {
        failure = new TruncatedFrameException(in.remaining(), -1);
        throw failure;
      }
      return frame;
    }

    private ByteBuffer next(ByteBuffer in, boolean endOfStream) throws FrameException {
      if (failure != null) {
        throw failure;
      }
      try {
        if (!scanner.find(in, endOfStream)) {
          return null;
        }
      } catch (FrameException e) {
        if (!(e instanceof FrameTooLongException && ((FrameTooLongException) e).discarded())) {
          failure = e;
        }
        throw e;
      }
      int length = scanner.contentLength + (keepDelimiter ? scanner.delimiterLength : 0);
      ByteBuffer frame = Frames.frame(in, in.position(), length, lend);
      scanner.consume(in, scanner.contentLength + scanner.delimiterLength);
      return frame;
    }
  }

  /**
   * Settings of a {@link DelimiterCodec}. Start from {@link FrameCodecs#delimiter(byte[]...)}.
   *
   * <pre>{@code
   * FrameCodecs.delimiter("\r\n".getBytes(StandardCharsets.US_ASCII), new byte[] {'\n'})
   *     .keepDelimiter(true)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final byte[][] delimiters;
    private boolean keepDelimiter;
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    private TooLongPolicy tooLong = TooLongPolicy.CLOSE;

    Builder(byte[]... delimiters) {
      Objects.requireNonNull(delimiters, "delimiters");
      checkArgument(delimiters.length > 0, "at least one delimiter is needed");
      this.delimiters = new byte[delimiters.length][];
      for (int i = 0; i < delimiters.length; i++) {
        byte[] d = Objects.requireNonNull(delimiters[i], "delimiter");
        checkArgument(
            d.length > 0 && d.length <= MAX_DELIMITER_LENGTH,
            "a delimiter has 1 to %s bytes, got %s",
            MAX_DELIMITER_LENGTH,
            d.length);
        this.delimiters[i] = d.clone();
      }
    }

    /**
     * Whether decoded frames end with their delimiter (false by default: it is stripped). When
     * kept, a frame to send must already end with one delimiter and contain no other.
     */
    public Builder keepDelimiter(boolean keep) {
      this.keepDelimiter = keep;
      return this;
    }

    /**
     * The largest frame content, in bytes, not counting the delimiter; {@value
     * DelimiterCodec#DEFAULT_MAX_FRAME_SIZE} by default.
     */
    public Builder maxFrameSize(int bytes) {
      checkArgument(
          bytes >= 0 && bytes <= Integer.MAX_VALUE - 1024,
          "maxFrameSize must be between 0 and 2^31-1025, got %s",
          bytes);
      this.maxFrameSize = bytes;
      return this;
    }

    /**
     * What happens after a frame over the maximum: {@link TooLongPolicy#CLOSE} by default, or
     * {@link TooLongPolicy#DISCARD} to skip to the next delimiter.
     */
    public Builder onTooLong(TooLongPolicy policy) {
      this.tooLong = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The codec. */
    public DelimiterCodec build() {
      return new DelimiterCodec(this);
    }
  }
}
