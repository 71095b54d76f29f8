package dev.sockettoolkit.cli;

import com.google.common.io.BaseEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code --format}: how a frame is printed as one line, and how one input line becomes a frame.
 *
 * <pre>{@code
 * Format.hex.print(ByteBuffer.wrap(new byte[] {0, 1}))   // "0001"
 * Format.base64.parse("AAE=")                             // {0, 1}
 * }</pre>
 */
enum Format {
  /** UTF-8 text as it is; a frame that is not valid UTF-8 is printed as {@code hex:} and its hex. */
  text,
  /** Lower-case hex digits; input may use either case and spaces. */
  hex,
  /** Standard base64 with padding. */
  base64;

  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();
  private static final int PREVIEW_BYTES = 64;

  /** The line that shows {@code frame} (its remaining bytes), without a line terminator. */
  byte[] print(ByteBuffer frame) {
    byte[] bytes = bytes(frame);
    switch (this) {
      case hex:
        return ascii(HEX.encode(bytes));
      case base64:
        return ascii(BaseEncoding.base64().encode(bytes));
      default:
        return isUtf8(bytes) ? bytes : ascii("hex:" + HEX.encode(bytes));
    }
  }

  /**
   * The frame an input line stands for: under {@code text} the line's bytes unchanged.
   *
   * @throws IllegalArgumentException naming the format if the line is not valid hex or base64
   */
  byte[] parse(byte[] line) {
    if (this == text) {
      return line;
    }
    String value = new String(line, StandardCharsets.ISO_8859_1).replaceAll("\\s+", "");
    try {
      return this == hex ? HEX.decode(value.toLowerCase(java.util.Locale.ROOT)) : BaseEncoding.base64().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + shorten(value) + "' is not " + name() + " (--format " + name() + ")", e);
    }
  }

  /**
   * A short view of a frame for logs: the text when the frame is printable UTF-8, else its hex,
   * cut at 64 bytes with {@code ...}.
   */
  static String preview(ByteBuffer frame) {
    byte[] bytes = bytes(frame);
    boolean cut = bytes.length > PREVIEW_BYTES;
    if (isUtf8(bytes) && isPrintable(new String(bytes, StandardCharsets.UTF_8))) {
      if (!cut) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
      int end = PREVIEW_BYTES;
      while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
        end--; // do not split a character
      }
      return new String(bytes, 0, end, StandardCharsets.UTF_8) + "...";
    }
    return HEX.encode(bytes, 0, Math.min(bytes.length, PREVIEW_BYTES)) + (cut ? "..." : "");
  }

  static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isPrintable(String s) {
    return s.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\t');
  }

  private static byte[] bytes(ByteBuffer frame) {
    ByteBuffer view = frame.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
