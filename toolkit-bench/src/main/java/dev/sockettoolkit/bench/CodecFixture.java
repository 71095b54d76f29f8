package dev.sockettoolkit.bench;

import dev.sockettoolkit.framing.FrameCodec;
import dev.sockettoolkit.framing.FrameCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The frame formats of the codec benchmarks, each as a toolkit codec and as the matching Netty
 * handlers, configured alike: 1 MiB maximum frame, delimiter stripped, lines decoded to UTF-8
 * strings on both sides (Netty: {@code LineBasedFrameDecoder} + {@code StringDecoder}). {@code
 * tlv} is a custom codec ({@link TlvCodec}, public API only), to compare with the library's
 * {@code lengthPrefix}.
 */
final class CodecFixture {
  /** Frames per benchmark operation: every result is divided by this, so it reads per frame. */
  static final int FRAMES = 256;
  static final int MAX_FRAME = 1 << 20;
  static final byte DELIMITER = 0;

  private CodecFixture() {}

  static FrameCodec<?> toolkitCodec(String format) {
    return switch (format) {
      case "lengthPrefix" -> FrameCodecs.lengthPrefix().maxFrameSize(MAX_FRAME).build();
      case "tlv" -> new TlvCodec(MAX_FRAME);
      case "lines" -> FrameCodecs.lines().maxLineLength(MAX_FRAME).build();
      case "delimiter" ->
          FrameCodecs.delimiter(new byte[] {DELIMITER}).maxFrameSize(MAX_FRAME).build();
      default -> throw new IllegalArgumentException(format);
    };
  }

  /** Netty's decoding handlers for {@code format}, in pipeline order. */
  static List<ChannelHandler> nettyDecoders(String format) {
    return switch (format) {
      case "lengthPrefix" -> List.of(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4));
      case "tlv" -> List.of(new LengthFieldBasedFrameDecoder(MAX_FRAME, 1, 4, 0, 5));
      case "lines" ->
          List.of(new LineBasedFrameDecoder(MAX_FRAME), new StringDecoder(StandardCharsets.UTF_8));
      case "delimiter" ->
          List.of(
              new DelimiterBasedFrameDecoder(
                  MAX_FRAME, Unpooled.wrappedBuffer(new byte[] {DELIMITER})));
      default -> throw new IllegalArgumentException(format);
    };
  }

  /** One payload of {@code size} bytes that is valid in {@code format} (no terminator inside). */
  static byte[] payload(String format, int size) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = binary(format) ? (byte) i : (byte) ('a' + i % 26);
    }
    return payload;
  }

  private static boolean binary(String format) {
    return format.equals("lengthPrefix") || format.equals("tlv");
  }

  /** One encoded frame of {@code format}. */
  static byte[] encoded(String format, int size) {
    byte[] payload = payload(format, size);
    return switch (format) {
      case "lengthPrefix" -> ByteBuffer.allocate(4 + size).putInt(size).put(payload).array();
      case "tlv" ->
          ByteBuffer.allocate(5 + size).put(TlvCodec.TYPE).putInt(size).put(payload).array();
      case "lines" -> terminated(payload, (byte) '\n');
      case "delimiter" -> terminated(payload, DELIMITER);
      default -> throw new IllegalArgumentException(format);
    };
  }

  private static byte[] terminated(byte[] payload, byte terminator) {
    byte[] frame = Arrays.copyOf(payload, payload.length + 1);
    frame[payload.length] = terminator;
    return frame;
  }

  /** {@link #FRAMES} encoded frames back to back: the bytes both decoders are fed. */
  static byte[] stream(String format, int size) {
    byte[] frame = encoded(format, size);
    byte[] stream = new byte[frame.length * FRAMES];
    for (int i = 0; i < FRAMES; i++) {
      System.arraycopy(frame, 0, stream, i * frame.length, frame.length);
    }
    return stream;
  }

  static ByteBuf nettyPayload(String format, int size) {
    return Unpooled.wrappedBuffer(payload(format, size));
  }
}
