package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.LineEncoder;
import io.netty.handler.codec.string.LineSeparator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interoperability with Netty's codecs in both directions, over {@link EmbeddedChannel} (no
 * sockets): what Netty encodes we decode, and what we encode Netty decodes.
 */
class NettyInteropTest {
  private static final int MAX = 70_000;

  static Stream<Arguments> lengthFieldSettings() {
    List<Arguments> out = new ArrayList<>();
    for (int width : new int[] {1, 2, 4, 8}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
        for (int adjustment : new int[] {0, 5}) {
          for (boolean includesHeader : new boolean[] {false, true}) {
            out.add(Arguments.of(width, order, adjustment, includesHeader));
          }
        }
      }
    }
    return out.stream();
  }

  private static List<byte[]> payloads(int width, long seed) {
    Random random = new Random(seed);
    int max = limit(width) - 100;
    List<byte[]> out = new ArrayList<>();
    for (int size : new int[] {0, 1, 17, 200, random.nextInt(max), max}) {
      byte[] b = new byte[Math.min(size, max)];
      random.nextBytes(b);
      out.add(b);
    }
    return out;
  }

  /** A maximum each width can express, whatever the adjustment. */
  private static int limit(int width) {
    return width == 1 ? 240 : width == 2 ? 60_000 : MAX;
  }

  private static LengthPrefixCodec ours(int width, ByteOrder order, int adjustment, boolean includesHeader) {
    LengthPrefixCodec.Builder b = FrameCodecs.lengthPrefix().width(width).byteOrder(order)
        .lengthAdjustment(adjustment).maxFrameSize(limit(width));
    if (includesHeader) {
      b.lengthIncludesHeader();
    }
    return b.build();
  }

  private static byte[] drainOutbound(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.writeBytes(bytes);
      b.release();
    }
    return out.toByteArray();
  }

  private static List<Object> decodedInbound(EmbeddedChannel channel) {
    List<Object> frames = new ArrayList<>();
    for (ByteBuf b; (b = channel.readInbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      frames.add(Decoding.value(ByteBuffer.wrap(bytes)));
      b.release();
    }
    return frames;
  }

  private static List<Object> values(List<byte[]> payloads) {
    List<Object> out = new ArrayList<>();
    payloads.forEach(p -> out.add(Decoding.value(ByteBuffer.wrap(p))));
    return out;
  }

  /** Feeds bytes to a Netty decoder in uneven chunks. */
  private static void writeChunked(EmbeddedChannel channel, byte[] bytes) {
    Random random = new Random(bytes.length);
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(3000));
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
      i += n;
    }
  }

  @ParameterizedTest(name = "width {0} {1} adjustment {2} includesHeader {3}")
  @MethodSource("lengthFieldSettings")
  void nettyLengthFieldPrependerToOurDecoder(int width, ByteOrder order, int adjustment, boolean includesHeader) {
    EmbeddedChannel netty = new EmbeddedChannel(new LengthFieldPrepender(order, width, adjustment, includesHeader));
    List<byte[]> payloads = payloads(width, width * 31L + adjustment);
    for (byte[] p : payloads) {
      netty.writeOutbound(Unpooled.wrappedBuffer(p));
    }
    byte[] wire = drainOutbound(netty);
    List<Object> expected = values(payloads);
    expected.add("end");
    LengthPrefixCodec codec = ours(width, order, adjustment, includesHeader);
    assertEquals(expected, Decoding.run(codec, wire, new int[] {1, 7, 4096, 3}).events);
    assertEquals(expected, Decoding.allAtOnce(codec, wire).events);
  }

  @ParameterizedTest(name = "width {0} {1} adjustment {2} includesHeader {3}")
  @MethodSource("lengthFieldSettings")
  void ourEncoderToNettyLengthFieldBasedFrameDecoder(
      int width, ByteOrder order, int adjustment, boolean includesHeader) throws Exception {
    LengthPrefixCodec codec = ours(width, order, adjustment, includesHeader);
    List<byte[]> payloads = payloads(width, width * 17L + adjustment);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] p : payloads) {
      ByteBuffer b = codec.encodeToBuffer(ByteBuffer.wrap(p));
      wire.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    int nettyAdjustment = -adjustment - (includesHeader ? width : 0);
    EmbeddedChannel netty = new EmbeddedChannel(
        new LengthFieldBasedFrameDecoder(order, MAX + 100, 0, width, nettyAdjustment, width, true));
    writeChunked(netty, wire.toByteArray());
    assertEquals(values(payloads), decodedInbound(netty));
  }

  @ParameterizedTest(name = "fixed header before a {0}-byte length")
  @MethodSource("widths")
  void fixedHeaderIsNettysLengthFieldOffset(int width) throws Exception {
    byte[] magic = {(byte) 0xCA, (byte) 0xFE, 1};
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().fixedHeader(magic).width(width).build();
    List<byte[]> payloads = payloads(width, 99);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] p : payloads) {
      ByteBuffer b = codec.encodeToBuffer(ByteBuffer.wrap(p));
      wire.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    EmbeddedChannel netty = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(
        ByteOrder.BIG_ENDIAN, MAX, magic.length, width, 0, magic.length + width, true));
    writeChunked(netty, wire.toByteArray());
    assertEquals(values(payloads), decodedInbound(netty));
  }

  static Stream<Integer> widths() {
    return Stream.of(1, 2, 4, 8);
  }

  static List<String> lines() {
    return List.of("", "hello", "with\rcr", "ünïcödé €", "x".repeat(500), "tab\tand spaces ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("separators")
  void nettyLineEncoderToOurLineDecoder(String separator) {
    LineSeparator netty = separator.equals("LF") ? LineSeparator.UNIX : LineSeparator.WINDOWS;
    EmbeddedChannel channel = new EmbeddedChannel(new LineEncoder(netty, StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>(lines());
    if (separator.equals("CRLF")) {
      lines.set(2, "with cr"); // our CRLF encoder writes a lone CR, Netty's line decoder too
    }
    for (String line : lines) {
      channel.writeOutbound(line);
    }
    byte[] wire = drainOutbound(channel);
    for (LineCodec.Terminator mode : separator.equals("LF")
        ? new LineCodec.Terminator[] {LineCodec.Terminator.LF, LineCodec.Terminator.LF_OR_CRLF}
        : LineCodec.Terminator.values()) {
      if (mode == LineCodec.Terminator.LF) {
        continue;
      }
      LineCodec codec = FrameCodecs.lines().terminator(mode).build();
      List<Object> expected = new ArrayList<>(lines);
      expected.add("end");
      if (mode == LineCodec.Terminator.STRICT_CRLF) {
        expected = new ArrayList<>(Decoding.allAtOnce(codec, wire).events);
      }
      assertEquals(expected, Decoding.run(codec, wire, new int[] {1, 2, 3, 1000}).events, mode.toString());
    }
  }

  static Stream<String> separators() {
    return Stream.of("LF", "CRLF");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("terminators")
  void ourLineEncoderToNettyLineBasedFrameDecoder(LineCodec.Terminator terminator) throws Exception {
    LineCodec codec = FrameCodecs.lines().terminator(terminator).build();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<String> sent = new ArrayList<>();
    for (String line : lines()) {
      if (line.contains("\r") && terminator != LineCodec.Terminator.LF) {
        continue; // Netty's decoder takes "\r\n" as the end, and ours refuses what it cannot send
      }
      ByteBuffer b = codec.encodeToBuffer(line);
      wire.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      sent.add(line);
    }
    EmbeddedChannel netty = new EmbeddedChannel(new LineBasedFrameDecoder(10_000, true, true));
    writeChunked(netty, wire.toByteArray());
    List<String> received = new ArrayList<>();
    for (ByteBuf b; (b = netty.readInbound()) != null; ) {
      received.add(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    assertEquals(sent, received);
  }

  static Stream<LineCodec.Terminator> terminators() {
    return Stream.of(LineCodec.Terminator.values());
  }

  @ParameterizedTest(name = "keep delimiter {0}")
  @MethodSource("booleans")
  void delimiterCodecAgreesWithNettyInBothDirections(boolean keep) throws Exception {
    byte[][] delimiters = {{0}, {'\r', '\n'}};
    DelimiterCodec codec = FrameCodecs.delimiter(delimiters).keepDelimiter(keep).maxFrameSize(MAX).build();
    Random random = new Random(keep ? 1 : 2);
    List<byte[]> payloads = new ArrayList<>();
    for (int size : new int[] {0, 1, 5, 300, 5000, MAX}) {
      byte[] p = new byte[size];
      for (int i = 0; i < size; i++) {
        p[i] = (byte) ('a' + random.nextInt(20));
      }
      payloads.add(p);
    }
    // Our encoder to Netty's decoder.
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    List<Object> expected = new ArrayList<>();
    for (byte[] p : payloads) {
      ByteBuffer frame = ByteBuffer.wrap(p);
      if (keep) {
        byte[] withDelimiter = java.util.Arrays.copyOf(p, p.length + 1); // NUL-terminated
        frame = ByteBuffer.wrap(withDelimiter);
      }
      ByteBuffer b = codec.encodeToBuffer(frame);
      ours.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      expected.add(Decoding.value(frame));
    }
    EmbeddedChannel netty = new EmbeddedChannel(new DelimiterBasedFrameDecoder(
        MAX + 10, !keep, Unpooled.wrappedBuffer(delimiters[0]), Unpooled.wrappedBuffer(delimiters[1])));
    writeChunked(netty, ours.toByteArray());
    assertEquals(expected, decodedInbound(netty));

    // The same bytes Netty decodes, written by hand with both delimiters: the same frames.
    ByteArrayOutputStream theirs = new ByteArrayOutputStream();
    for (int i = 0; i < payloads.size(); i++) {
      theirs.writeBytes(payloads.get(i));
      theirs.writeBytes(delimiters[i % 2]);
    }
    byte[] wire = theirs.toByteArray();
    EmbeddedChannel reference = new EmbeddedChannel(new DelimiterBasedFrameDecoder(
        MAX + 10, !keep, Unpooled.wrappedBuffer(delimiters[0]), Unpooled.wrappedBuffer(delimiters[1])));
    writeChunked(reference, wire);
    List<Object> nettyFrames = decodedInbound(reference);
    nettyFrames.add("end");
    assertEquals(nettyFrames, Decoding.run(codec, wire, new int[] {1, 3, 999}).events);
    assertNull(reference.readInbound());
  }

  static Stream<Boolean> booleans() {
    return Stream.of(false, true);
  }
}
