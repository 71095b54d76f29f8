package dev.sockettoolkit.cli;

import com.google.common.io.BaseEncoding;
import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import dev.sockettoolkit.framing.LengthPrefixCodec;
import dev.sockettoolkit.framing.LineCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --framing} and its details, shared by serve, connect and bench. */
final class FramingOptions {
  /** The framings the command line offers. */
  enum Framing {
    raw,
    length,
    lines,
    delimiter
  }

  @Option(
      names = "--framing",
      paramLabel = "KIND",
      defaultValue = "lines",
      description = "raw, length, lines or delimiter (default: ${DEFAULT-VALUE}).")
  Framing framing;

  @Option(
      names = "--length-bytes",
      paramLabel = "N",
      defaultValue = "4",
      description = "Length field for --framing length: 1, 2, 3, 4, 8 or varint (default: ${DEFAULT-VALUE}).")
  String lengthBytes;

  @Option(
      names = "--byte-order",
      paramLabel = "ORDER",
      defaultValue = "big",
      description = "Length field byte order: big or little (default: ${DEFAULT-VALUE}).")
  String byteOrder;

  @Option(
      names = "--delimiter",
      paramLabel = "HEX",
      defaultValue = "0a",
      description = "Delimiter bytes in hex for --framing delimiter, e.g. 00 or 0d0a (default: ${DEFAULT-VALUE}).")
  String delimiter;

  @Option(
      names = "--max-frame",
      paramLabel = "BYTES",
      description = "Largest frame accepted or sent (default: 1 MiB for length, 64 KiB for delimiter, 8 KiB for lines).")
  Integer maxFrame;

  boolean isRaw() {
    return framing == Framing.raw;
  }

  /**
   * The codec for the chosen framing, with frames as byte buffers, or null for raw. Lines are read
   * as ISO-8859-1, which maps every byte to one char, so any bytes are echoed back unchanged.
   *
   * @param lenientLastLine whether a last line without a newline is a frame (serve) rather than a
   *     truncation
   */
  FrameCodec<ByteBuffer> codec(boolean lenientLastLine) {
    if (maxFrame != null && maxFrame <= 0) {
      throw new UsageException("--max-frame must be positive, got " + maxFrame);
    }
    switch (framing) {
      case raw:
        return null;
      case length:
        return lengthCodec();
      case delimiter:
        {
          byte[] bytes = delimiterBytes();
          var builder = FrameCodecs.delimiter(bytes);
          if (maxFrame != null) {
            builder.maxFrameSize(maxFrame);
          }
          return builder.build();
        }
      default:
        {
          LineCodec.Builder builder =
              FrameCodecs.lines()
                  .charset(StandardCharsets.ISO_8859_1)
                  .finalLine(lenientLastLine ? LineCodec.FinalLine.ACCEPT : LineCodec.FinalLine.REJECT);
          if (maxFrame != null) {
            builder.maxLineLength(maxFrame);
          }
          return builder
              .build()
              .map(
                  line -> ByteBuffer.wrap(line.getBytes(StandardCharsets.ISO_8859_1)),
                  frame -> StandardCharsets.ISO_8859_1.decode(frame.duplicate()).toString());
        }
    }
  }

  private FrameCodec<ByteBuffer> lengthCodec() {
    LengthPrefixCodec.Builder builder = FrameCodecs.lengthPrefix();
    String width = lengthBytes.trim().toLowerCase(Locale.ROOT);
    switch (width) {
      case "varint":
        builder.varint();
        break;
      case "1":
      case "2":
      case "3":
      case "4":
      case "8":
        builder.width(Integer.parseInt(width));
        break;
      default:
        throw new UsageException("--length-bytes must be 1, 2, 3, 4, 8 or varint, got '" + lengthBytes + "'");
    }
    switch (byteOrder.trim().toLowerCase(Locale.ROOT)) {
      case "big":
        builder.byteOrder(ByteOrder.BIG_ENDIAN);
        break;
      case "little":
        builder.byteOrder(ByteOrder.LITTLE_ENDIAN);
        break;
      default:
        throw new UsageException("--byte-order must be big or little, got '" + byteOrder + "'");
    }
    if (maxFrame != null) {
      builder.maxFrameSize(maxFrame);
    }
    return builder.build();
  }

  private byte[] delimiterBytes() {
    String hex = delimiter.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    if (hex.startsWith("0x")) {
      hex = hex.substring(2);
    }
    try {
      byte[] bytes = BaseEncoding.base16().lowerCase().decode(hex);
      if (bytes.length == 0) {
        throw new IllegalArgumentException("empty");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--delimiter must be hex bytes such as 00 or 0d0a, got '" + delimiter + "'");
    }
  }

  /** A short description for summaries, e.g. {@code length(4, big)}. */
  String describe() {
    switch (framing) {
      case length:
        return "length(" + lengthBytes + (lengthBytes.equals("varint") ? "" : ", " + byteOrder) + ")";
      case delimiter:
        return "delimiter(" + delimiter + ")";
      default:
        return framing.name();
    }
  }
}
