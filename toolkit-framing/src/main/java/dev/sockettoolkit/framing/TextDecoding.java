package dev.sockettoolkit.framing;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to text, strictly (malformed input is an error naming its offset) or with replacement.
 * Not thread-safe: each decoder owns one.
 */
final class TextDecoding {
  private static final char REPLACEMENT = '\uFFFD';

  private final Charset charset;
  private final boolean replace;
  /** Whether the JDK decodes this charset with U+FFFD for every malformed input, and nothing else. */
  private final boolean builtIn;
  private CharsetDecoder decoder;

  TextDecoding(Charset charset, boolean replace) {
    this.charset = charset;
    this.replace = replace;
    this.builtIn =
        charset.equals(StandardCharsets.UTF_8)
            || charset.equals(StandardCharsets.US_ASCII)
            || charset.equals(StandardCharsets.ISO_8859_1);
  }

  /**
   * Decodes {@code length} bytes of {@code in} from absolute index {@code index}.
   *
   * @param offset the stream (or frame) offset of the first byte, for error messages
   * @param where "stream" or "frame", for error messages
   */
  String decode(ByteBuffer in, int index, int length, long offset, String where)
      throws MalformedFrameException {
    if (replace) {
      if (in.hasArray()) {
        return new String(in.array(), in.arrayOffset() + index, length, charset);
      }
      byte[] bytes = new byte[length];
      in.get(index, bytes);
      return new String(bytes, charset);
    }
    if (builtIn && in.hasArray()) {
      // The JDK's own decoding is the fast path (an intrinsic check for ASCII, then a copy). It
      // replaces malformed input with U+FFFD, so a result without one is exactly the strict
      // decoding; a result with one is decoded again strictly, to find the offset of the error
      // (or to accept a U+FFFD that the input really encodes).
      String fast = new String(in.array(), in.arrayOffset() + index, length, charset);
      if (fast.indexOf(REPLACEMENT) < 0) {
        return fast;
      }
    }
    return strict(in.slice(index, length), offset, where);
  }

  /** Encodes {@code text} strictly: unpaired surrogates and unmappable chars are refused. */
  static byte[] encodeStrict(String text, Charset charset) throws MalformedFrameException {
    if (charset.equals(StandardCharsets.UTF_8)) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            i++;
          } else {
            throw new MalformedFrameException("the text has an unpaired surrogate char", i);
          }
        }
      }
      return text.getBytes(charset);
    }
    try {
      ByteBuffer encoded =
          charset
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new MalformedFrameException("the text cannot be encoded in " + charset.name() + ": " + e);
    }
  }

  private String strict(ByteBuffer bytes, long offset, String where)
      throws MalformedFrameException {
    if (decoder == null) {
      decoder =
          charset
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    decoder.reset();
    CharBuffer out =
        CharBuffer.allocate((int) Math.ceil(bytes.remaining() * (double) decoder.maxCharsPerByte()));
    CoderResult result = decoder.decode(bytes, out, true);
    if (result.isUnderflow()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      String what = result.isMalformed() ? "malformed" : "unmappable";
      throw new MalformedFrameException(
          what + " " + charset.name() + " input in a " + where
              + " (ask the codec builder for replaceMalformedInput() to accept it as U+FFFD)",
          offset + bytes.position());
    }
    // Not an overflow either: out has room for maxCharsPerByte chars per byte.
    out.flip();
    return out.toString();
  }
}
