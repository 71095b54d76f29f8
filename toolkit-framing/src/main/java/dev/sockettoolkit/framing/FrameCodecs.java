package dev.sockettoolkit.framing;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The frame formats that come with the toolkit.
 *
 * <pre>{@code
 * FrameCodec<ByteBuffer> binary = FrameCodecs.lengthPrefix().build();   // 4-byte length, 1 MiB max
 * FrameCodec<String> text = FrameCodecs.utf8(binary);                   // UTF-8 over it
 * FrameCodec<String> lines = FrameCodecs.lines().build();                // \n or \r\n lines, 8 KiB max
 * FrameCodec<ByteBuffer> nul = FrameCodecs.delimiter(new byte[] {0}).build();
 * FrameCodec<ByteBuffer> records = FrameCodecs.fixedLength(128);
 * }</pre>
 *
 * <p>Binary codecs decode to a new heap {@link ByteBuffer} per frame that the caller owns (it
 * stays valid after the next receive) and send a buffer's remaining bytes without changing its
 * position. Every codec has a maximum frame size with a default safe for a server on the internet;
 * the defaults are listed in {@code SECURITY.md}.
 */
public final class FrameCodecs {
  private FrameCodecs() {}

  /**
   * A builder for length-prefixed frames: by default a 4-byte big-endian length of the payload,
   * at most {@value LengthPrefixCodec#DEFAULT_MAX_FRAME_SIZE} bytes.
   */
  public static LengthPrefixCodec.Builder lengthPrefix() {
    return LengthPrefixCodec.builder();
  }

  /**
   * A builder for frames that end with one of {@code delimiters} (the delimiter is stripped by
   * default), at most {@value DelimiterCodec#DEFAULT_MAX_FRAME_SIZE} bytes by default.
   *
   * @param delimiters one or more non-empty byte sequences of at most 64 bytes
   */
  public static DelimiterCodec.Builder delimiter(byte[]... delimiters) {
    return new DelimiterCodec.Builder(delimiters);
  }

  /**
   * A builder for lines of text: by default UTF-8, decoded strictly, ended by {@code \n} or
   * {@code \r\n}, at most {@value LineCodec#DEFAULT_MAX_LINE_LENGTH} bytes, and a final line
   * without a terminator is a truncation.
   */
  public static LineCodec.Builder lines() {
    return new LineCodec.Builder();
  }

  /** Frames of exactly {@code length} bytes, with no header; sends only frames of that length. */
  public static FrameCodec<ByteBuffer> fixedLength(int length) {
    checkArgument(length > 0, "length must be positive, got %s", length);
    return new FixedLengthCodec(length);
  }

  /**
   * Strict UTF-8 text over a binary codec: a frame that is not valid UTF-8 is a {@link
   * MalformedFrameException} naming the offset within the frame.
   */
  public static FrameCodec<String> utf8(FrameCodec<ByteBuffer> binary) {
    return text(binary, StandardCharsets.UTF_8);
  }

  /**
   * Decodes {@code length} bytes of {@code buffer}, from absolute index {@code index}, as UTF-8,
   * strictly: for a custom decoder whose frames hold text in part of them (a header field, a
   * key). Malformed input is a {@link MalformedFrameException} whose offset is {@code offset} plus
   * the index of the bad byte within the field; pass the field's stream offset, or 0. {@code
   * buffer}'s position and limit are not changed; it may be direct.
   *
   * <pre>{@code
   * String key = FrameCodecs.decodeUtf8(in, in.position() + 2, keyLength, streamOffset + 2);
   * }</pre>
   *
   * @throws MalformedFrameException if the bytes are not valid UTF-8
   */
  public static String decodeUtf8(ByteBuffer buffer, int index, int length, long offset)
      throws MalformedFrameException {
    Objects.checkFromIndexSize(index, length, buffer.limit());
    return new TextDecoding(StandardCharsets.UTF_8, false)
        .decode(buffer, index, length, offset, "frame");
  }

  /**
   * Strict text in {@code charset} over a binary codec: a frame that is not valid in the charset
   * is a {@link MalformedFrameException}, and text that cannot be encoded in it is refused.
   */
  public static FrameCodec<String> text(FrameCodec<ByteBuffer> binary, Charset charset) {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(charset, "charset");
    return binary.map(
        frame -> {
          try {
            return new TextDecoding(charset, false)
                .decode(frame, frame.position(), frame.remaining(), 0, "frame");
          } catch (MalformedFrameException e) {
            throw new UncheckedIOException(e);
          }
        },
        string -> {
          try {
            return ByteBuffer.wrap(TextDecoding.encodeStrict(string, charset));
          } catch (MalformedFrameException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
