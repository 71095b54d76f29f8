package dev.sockettoolkit.framing;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lines of text: frames end with a line terminator, which is stripped on decoding and appended on
 * encoding. Strict by default: input that is not valid in the charset is a {@link
 * MalformedFrameException} naming the byte offset, not U+FFFD.
 *
 * <pre>{@code
 * LineCodec codec = FrameCodecs.lines()
 *     .terminator(LineCodec.Terminator.STRICT_CRLF)   // a bare CR or LF is an error
 *     .maxLineLength(8 * 1024)
 *     .build();
 * try (MessageChannel<String> channel = MessageChannel.open(connection, codec)) {
 *   channel.send("HELO example.com");
 *   String reply = channel.receive();
 * }
 * }</pre>
 *
 * <p>The maximum counts the bytes of a line without its terminator, enforced while scanning (see
 * {@link DelimiterCodec}). The charset must be ASCII-compatible, with bytes 0x0A and 0x0D meaning
 * LF and CR wherever they appear (UTF-8, US-ASCII, ISO-8859-*; not UTF-16).
 */
public final class LineCodec implements FrameCodec<String> {
  /** The default maximum line length, 8 KiB, not counting the terminator. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 8 * 1024;

  static final String SETTING = "maxLineLength(...) on FrameCodecs.lines()";
  private static final byte[] LF = {'\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  /** Bytes a line is copied through at a time when encoded without allocating. */
  private static final int SCRATCH_SIZE = 4096;

  /** Which byte sequences end a line. */
  public enum Terminator {
    /** {@code \n} ends a line; a {@code \r} is part of the line. Encodes {@code \n}. */
    LF,
    /** {@code \r\n} ends a line; a lone {@code \r} or {@code \n} is part of the line. Encodes {@code \r\n}. */
    CRLF,
    /** {@code \n} or {@code \r\n} ends a line (the default); a lone {@code \r} is part of it. Encodes {@code \n}. */
    LF_OR_CRLF,
    /**
     * {@code \r\n} ends a line and a bare {@code \r} or {@code \n} anywhere is a {@link
     * MalformedFrameException}: for protocols where lenient line endings enable request smuggling.
     * Encodes {@code \r\n}.
     */
    STRICT_CRLF
  }

  /** What a final line without a terminator at the end of stream becomes. */
  public enum FinalLine {
    /**
     * A {@link TruncatedFrameException} (the default): the peer may have been cut off mid-line,
     * and a truncated command must not be taken for a complete one.
     */
    REJECT,
    /** A line like any other, as {@code BufferedReader} reads it. */
    ACCEPT,
    /** Dropped silently, and the stream ends cleanly, as Netty's line decoder does. */
    DISCARD
  }

  private final Terminator terminator;
  private final Charset charset;
  private final boolean replace;
  private final int maxLineLength;
  private final TooLongPolicy tooLong;
  private final FinalLine finalLine;
  private final byte[][] delimiters;
  private final boolean[] forbidden;
  private final byte[] encodeTerminator;
  /**
   * Chars below this value encode as the single byte of the same value (0x80 for UTF-8 and
   * US-ASCII, 0x100 for ISO-8859-1, 0 for charsets not known to do so).
   */
  private final int oneBytePerCharBelow;
  /**
   * A scratch array for encoding, lent to one thread at a time (null while lent); see {@link
   * #putOneBytePerChar}.
   */
  private final AtomicReference<byte[]> scratch = new AtomicReference<>();

  private LineCodec(Builder b) {
    this.terminator = b.terminator;
    this.charset = b.charset;
    this.replace = b.replace;
    this.maxLineLength = b.maxLineLength;
    this.tooLong = b.tooLong;
    this.finalLine = b.finalLine;
    if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)) {
      oneBytePerCharBelow = 0x80;
    } else if (charset.equals(StandardCharsets.ISO_8859_1)) {
      oneBytePerCharBelow = 0x100;
    } else {
      oneBytePerCharBelow = 0;
    }
    switch (terminator) {
      case LF:
        delimiters = new byte[][] {LF};
        encodeTerminator = LF;
        forbidden = null;
        break;
      case CRLF:
        delimiters = new byte[][] {CRLF};
        encodeTerminator = CRLF;
        forbidden = null;
        break;
      case LF_OR_CRLF:
        delimiters = new byte[][] {CRLF, LF};
        encodeTerminator = LF;
        forbidden = null;
        break;
      default:
        delimiters = new byte[][] {CRLF};
        encodeTerminator = CRLF;
        forbidden = new boolean[256];
        forbidden['\r'] = true;
        forbidden['\n'] = true;
        break;
    }
  }

  @Override
  public int maxFrameSize() {
    return maxLineLength;
  }

  @Override
  public FrameDecoder<String> newDecoder() {
    return new Decoder();
  }

  @Override
  public void encode(String line, FrameSink out) throws IOException {
    Objects.requireNonNull(line, "line");
    int n = line.length();
    if (n > maxLineLength) {
      // Each char is at least one byte in an ASCII-compatible charset: too long whatever its bytes.
      throw new FrameTooLongException(n, maxLineLength, false, SETTING);
    }
    int bad = firstBadChar(line);
    if (bad >= 0) {
      throw new MalformedFrameException(
          "the line contains its terminator (or a CR/LF that " + terminator
              + " mode does not allow), so it would not decode as one line",
          bad);
    }
    if (isOneBytePerChar(line)) {
      putOneBytePerChar(line, out);
    } else {
      byte[] bytes = toBytes(line);
      if (bytes.length > maxLineLength) {
        throw new FrameTooLongException(bytes.length, maxLineLength, false, SETTING);
      }
      out.put(bytes);
    }
    out.put(encodeTerminator);
  }

  /** The index of the first char that the terminator mode forbids in a line, or -1. */
  private int firstBadChar(String line) {
    switch (terminator) {
      case LF:
        return line.indexOf('\n');
      case CRLF:
        return line.indexOf("\r\n");
      case LF_OR_CRLF:
        int lf = line.indexOf('\n');
        int last = line.length() - 1;
        // A final CR would take the encoded LF as its CR LF.
        return lf >= 0 ? lf : last >= 0 && line.charAt(last) == '\r' ? last : -1;
      default:
        int cr = line.indexOf('\r');
        int bareLf = line.indexOf('\n');
        return cr < 0 ? bareLf : bareLf < 0 ? cr : Math.min(cr, bareLf);
    }
  }

  /** Whether every char of {@code line} encodes as the one byte of the same value. */
  private boolean isOneBytePerChar(String line) {
    int or = 0;
    for (int i = 0, n = line.length(); i < n; i++) {
      or |= line.charAt(i);
    }
    return or < oneBytePerCharBelow;
  }

  /**
   * Puts a line whose chars are all below {@link #oneBytePerCharBelow} into the sink through a
   * reused scratch array, without allocating: the common case of ASCII text.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is exactly the copy needed
  private void putOneBytePerChar(String line, FrameSink out) {
    int n = line.length();
    byte[] buffer = scratch.getAndSet(null);
    if (buffer == null || buffer.length < Math.min(n, SCRATCH_SIZE)) {
      // The first line, a longer line, or another thread has the array: sized for this line.
      buffer = new byte[Math.min(Math.max(n, 64), SCRATCH_SIZE)];
    }
    for (int from = 0; from < n; from += buffer.length) {
      int to = Math.min(n, from + buffer.length);
      line.getBytes(from, to, buffer, 0);
      out.put(buffer, 0, to - from);
    }
    scratch.set(buffer);
  }

  private byte[] toBytes(String line) throws MalformedFrameException {
    return replace ? line.getBytes(charset) : TextDecoding.encodeStrict(line, charset);
  }

  @Override
  public String toString() {
    return "LineCodec{" + terminator + ", " + charset.name() + (replace ? " with replacement" : "")
        + ", max " + maxLineLength + ", " + tooLong + ", final line " + finalLine + "}";
  }

  /** Decoding state for one stream. */
  private final class Decoder implements FrameDecoder<String> {
    private final DelimiterScanner scanner =
        new DelimiterScanner(
            delimiters, forbidden, maxLineLength, tooLong == TooLongPolicy.DISCARD, SETTING);
    private final TextDecoding text = new TextDecoding(charset, replace);
    private FrameException failure;

    @Override
    public String decode(ByteBuffer in) throws IOException {
      return next(in, false);
    }

    @Override
    public String decodeAtEnd(ByteBuffer in) throws IOException {
      String line = next(in, true);
      if (line != null || !in.hasRemaining()) {
        return line;
      }
      // The bytes left are a final line: the scanner drops a line over the maximum as it scans it.
      if (finalLine == FinalLine.REJECT) {
        failure = new TruncatedFrameException(in.remaining(), -1);
        throw failure;
      }
      if (finalLine == FinalLine.DISCARD) {
        scanner.consume(in, in.remaining());
        return null;
      }
      int length = in.remaining();
      if (forbidden != null && scanner.cutByEnd) {
        // Strict CRLF: a final CR cannot be content, so its LF was cut off.
        failure = new TruncatedFrameException(length, 1);
        throw failure;
      }
      if (length > maxLineLength) {
        // The final CR that might have started a terminator is content after all (it is allowed
        // as content in this mode), and it takes the line over the maximum.
        if (tooLong == TooLongPolicy.DISCARD) {
          scanner.consume(in, length);
          throw new FrameTooLongException(length, maxLineLength, true, SETTING);
        }
        failure = new FrameTooLongException(length, maxLineLength, false, SETTING);
        throw failure;
      }
      try {
        String last = text.decode(in, in.position(), length, scanner.offset(), "line");
        scanner.consume(in, length);
        return last;
      } catch (MalformedFrameException e) {
        failure = e;
        throw e;
      }
    }

    private String next(ByteBuffer in, boolean endOfStream) throws FrameException {
      if (failure != null) {
        throw failure;
      }
      try {
        if (!scanner.find(in, endOfStream)) {
          return null;
        }
        int length = scanner.contentLength;
        String line = text.decode(in, in.position(), length, scanner.offset(), "line");
        scanner.consume(in, length + scanner.delimiterLength);
        return line;
      } catch (FrameException e) {
        if (!(e instanceof FrameTooLongException && ((FrameTooLongException) e).discarded())) {
          failure = e;
        }
        throw e;
      }
    }
  }

  /**
   * Settings of a {@link LineCodec}. Start from {@link FrameCodecs#lines()}.
   *
   * <pre>{@code
   * FrameCodecs.lines()
   *     .charset(StandardCharsets.ISO_8859_1)
   *     .finalLine(LineCodec.FinalLine.ACCEPT)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private Terminator terminator = Terminator.LF_OR_CRLF;
    private Charset charset = StandardCharsets.UTF_8;
    private boolean replace;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private TooLongPolicy tooLong = TooLongPolicy.CLOSE;
    private FinalLine finalLine = FinalLine.REJECT;

    Builder() {}

    /** Which byte sequences end a line; {@link Terminator#LF_OR_CRLF} by default. */
    public Builder terminator(Terminator terminator) {
      this.terminator = Objects.requireNonNull(terminator, "terminator");
      return this;
    }

    /**
     * The charset of the text, UTF-8 by default. Must be ASCII-compatible (CR and LF are the
     * bytes 0x0D and 0x0A).
     */
    public Builder charset(Charset charset) {
      Objects.requireNonNull(charset, "charset");
      checkArgument(
          Arrays.equals("\r\n".getBytes(charset), CRLF) && charset.canEncode(),
          "the charset %s does not encode CR LF as the bytes 0x0D 0x0A; lines need an"
              + " ASCII-compatible charset",
          charset);
      this.charset = charset;
      return this;
    }

    /**
     * Accept input that is not valid in the charset, decoding it as U+FFFD, and encode
     * unmappable text with the charset's replacement. Off by default: strict decoding.
     */
    public Builder replaceMalformedInput() {
      this.replace = true;
      return this;
    }

    /**
     * The longest line, in bytes, not counting its terminator; {@value
     * LineCodec#DEFAULT_MAX_LINE_LENGTH} by default.
     */
    public Builder maxLineLength(int bytes) {
      checkArgument(
          bytes >= 0 && bytes <= Integer.MAX_VALUE - 1024,
          "maxLineLength must be between 0 and 2^31-1025, got %s",
          bytes);
      this.maxLineLength = bytes;
      return this;
    }

    /**
     * What happens after a line over the maximum: {@link TooLongPolicy#CLOSE} by default, or
     * {@link TooLongPolicy#DISCARD} to skip to the next line.
     */
    public Builder onTooLong(TooLongPolicy policy) {
      this.tooLong = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** What a final line without a terminator becomes; {@link FinalLine#REJECT} by default. */
    public Builder finalLine(FinalLine policy) {
      this.finalLine = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The codec. */
    public LineCodec build() {
      return new LineCodec(this);
    }
  }
}
