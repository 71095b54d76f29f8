package dev.sockettoolkit.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LengthPrefixCodecTest {

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] encode(FrameCodec<ByteBuffer> codec, byte[] payload) throws Exception {
    ByteBuffer b = codec.encodeToBuffer(ByteBuffer.wrap(payload));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void encodesEveryWidthInBothByteOrders() throws Exception {
    byte[] payload = {9, 8, 7};
    assertArrayEquals(bytes(3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().width(1).build(), payload));
    assertArrayEquals(bytes(0, 3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().width(2).build(), payload));
    assertArrayEquals(
        bytes(3, 0, 0, 9, 8, 7),
        encode(FrameCodecs.lengthPrefix().width(3).byteOrder(ByteOrder.LITTLE_ENDIAN).build(), payload));
    assertArrayEquals(bytes(0, 0, 0, 3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().build(), payload));
    assertArrayEquals(
        bytes(3, 0, 0, 0, 0, 0, 0, 0, 9, 8, 7),
        encode(FrameCodecs.lengthPrefix().width(8).byteOrder(ByteOrder.LITTLE_ENDIAN).build(), payload));
    assertArrayEquals(bytes(3, 9, 8, 7), encode(FrameCodecs.lengthPrefix().varint().build(), payload));
    assertArrayEquals(
        bytes(0xAC, 0x02),
        Arrays.copyOf(encode(FrameCodecs.lengthPrefix().varint().build(), new byte[300]), 2));
  }

  @Test
  void lengthCanIncludeTheHeaderAndFixedHeaderBytes() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().fixedHeader((byte) 0xCA, (byte) 0xFE).width(2).lengthIncludesHeader().build();
    byte[] encoded = encode(codec, new byte[] {1, 2, 3});
    assertArrayEquals(bytes(0xCA, 0xFE, 0, 7, 1, 2, 3), encoded);
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), codec.newDecoder().decode(ByteBuffer.wrap(encoded)));
  }

  @Test
  void zeroLengthFramesAreValid() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().width(1).build();
    assertArrayEquals(bytes(0), encode(codec, new byte[0]));
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes(0, 0));
    assertEquals(0, decoder.decode(in).remaining());
    assertEquals(0, decoder.decode(in).remaining());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void aLengthOverTheMaximumFailsFastBeforeTheBody() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().width(8).maxFrameSize(1000).build();
    ByteBuffer header = ByteBuffer.wrap(bytes(0, 0, 1, 0, 0, 0, 0, 0)); // 2^40, no body at all
    FrameTooLongException e =
        assertThrows(FrameTooLongException.class, () -> codec.newDecoder().decode(header));
    assertEquals(1L << 40, e.length());
    assertEquals(1000, e.limit());
    assertTrue(e.getMessage().contains("1099511627776") && e.getMessage().contains("1000")
        && e.getMessage().contains("maxFrameSize"), e.getMessage());
  }

  @Test
  void aFrameOfExactlyTheMaximumIsEncodedAndDecoded() throws Exception {
    for (TooLongPolicy policy : TooLongPolicy.values()) {
      LengthPrefixCodec codec =
          FrameCodecs.lengthPrefix().width(1).maxFrameSize(2).onTooLong(policy).build();
      assertArrayEquals(bytes(2, 1, 2), encode(codec, bytes(1, 2)));
      ByteBuffer in = ByteBuffer.wrap(bytes(2, 1, 2));
      assertEquals(ByteBuffer.wrap(bytes(1, 2)), codec.newDecoder().decode(in));
    }
  }

  @Test
  void discardPolicySkipsTheBodyAndContinues() throws Exception {
    LengthPrefixCodec codec =
        FrameCodecs.lengthPrefix().width(1).maxFrameSize(2).onTooLong(TooLongPolicy.DISCARD).build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes(5, 1, 2, 3, 4, 5, 1, 42));
    FrameTooLongException e = assertThrows(FrameTooLongException.class, () -> decoder.decode(in));
    assertTrue(e.discarded());
    assertEquals(ByteBuffer.wrap(bytes(42)), decoder.decode(in));
  }

  @Test
  void negativeAndOverflowingLengthsAreMalformed() {
    assertMalformed(FrameCodecs.lengthPrefix().width(8).build(), bytes(0x80, 0, 0, 0, 0, 0, 0, 0));
    assertMalformed(FrameCodecs.lengthPrefix().varint().build(),
        bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02)); // > 64 bits
    assertMalformed(FrameCodecs.lengthPrefix().varint().build(),
        bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)); // 2^63
    // The field counts the 2-byte header, so a value below 2 is impossible.
    assertMalformed(FrameCodecs.lengthPrefix().width(2).lengthIncludesHeader().build(), bytes(0, 1));
    assertMalformed(FrameCodecs.lengthPrefix().width(1).fixedHeader((byte) 7).build(), bytes(8, 0));
  }

  @Test
  void aTenByteVarintEndingInZeroIsALength() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().varint().build();
    // The length 1 padded to the longest varint: nine bytes with the continuation bit, then 0x00.
    byte[] input = bytes(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 42);
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(input);
    assertEquals(ByteBuffer.wrap(bytes(42)), decoder.decode(in));
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void aVarintTooLongForALengthIsMalformedAtItsTenthByte() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().varint().build();
    byte[] first = bytes(1, 42); // one good frame, so that the offset counts from the stream's start
    byte[] nine = bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
    assertEquals("varint length is over 2^63-1 (at byte offset 11)",
        malformed(codec, concat(first, nine, bytes(0x01))).getMessage());
    assertEquals("varint length overflows 64 bits (at byte offset 11)",
        malformed(codec, concat(first, nine, bytes(0x02))).getMessage());
    MalformedFrameException eleven = malformed(codec, concat(first, nine, bytes(0x80, 0x00)));
    assertEquals(11, eleven.offset());
  }

  @Test
  void malformedHeadersNameTheValueAndTheirStreamOffset() {
    LengthPrefixCodec magic =
        FrameCodecs.lengthPrefix().fixedHeader((byte) 0xCA, (byte) 0xFE).width(1).build();
    assertEquals("fixed header byte 1 is 238, expected 254 (at byte offset 5)",
        malformed(magic, bytes(0xCA, 0xFE, 1, 42, 0xCA, 0xEE, 1, 42)).getMessage());
    LengthPrefixCodec wide = FrameCodecs.lengthPrefix().width(8).build();
    assertEquals("8-byte length field 9223372036854775808 is over 2^63-1 (at byte offset 9)",
        malformed(wide, bytes(0, 0, 0, 0, 0, 0, 0, 1, 42, 0x80, 0, 0, 0, 0, 0, 0, 0)).getMessage());
    LengthPrefixCodec counted = FrameCodecs.lengthPrefix().width(2).lengthIncludesHeader().build();
    assertEquals("length field 1 is smaller than the length adjustment 2 (a frame's length must count"
            + " at least its header) (at byte offset 3)",
        malformed(counted, bytes(0, 3, 42, 0, 1)).getMessage());
    LengthPrefixCodec negative = FrameCodecs.lengthPrefix().width(8).lengthAdjustment(-3).build();
    assertEquals("length field 9223372036854775807 overflows with adjustment -3 (at byte offset 11)",
        malformed(negative, bytes(0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3,
            0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)).getMessage());
  }

  /** The error that decoding {@code input} ends with, after its good frames. */
  private static MalformedFrameException malformed(FrameCodec<ByteBuffer> codec, byte[] input) {
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(input);
    return assertThrows(MalformedFrameException.class, () -> {
      while (decoder.decode(in) != null) {
        // the good frames before the error
      }
    });
  }

  private static byte[] concat(byte[]... parts) {
    byte[] all = new byte[0];
    for (byte[] part : parts) {
      int at = all.length;
      all = Arrays.copyOf(all, at + part.length);
      System.arraycopy(part, 0, all, at, part.length);
    }
    return all;
  }

  private static void assertMalformed(FrameCodec<ByteBuffer> codec, byte[] input) {
    assertThrows(MalformedFrameException.class, () -> codec.newDecoder().decode(ByteBuffer.wrap(input)));
    assertTrue(Decoding.oneByteAtATime(codec, input).events.get(0).toString().startsWith("Malformed"));
  }

  @Test
  void truncationSaysHowManyBytesWereMissing() {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().build();
    TruncatedFrameException e = assertThrows(
        TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(ByteBuffer.wrap(bytes(0, 0, 0, 10, 1, 2, 3, 4))));
    assertEquals(6, e.missingBytes());
    assertEquals(8, e.receivedBytes());
    assertTrue(e.getMessage().contains("6 bytes missing"), e.getMessage());
    TruncatedFrameException header = assertThrows(
        TruncatedFrameException.class,
        () -> codec.newDecoder().decodeAtEnd(ByteBuffer.wrap(bytes(0, 0))));
    assertEquals(2, header.missingBytes());
  }

  @Test
  void decodeAtEndReturnsTheFramesStillComplete() throws Exception {
    FrameDecoder<ByteBuffer> decoder = FrameCodecs.lengthPrefix().width(1).build().newDecoder();
    ByteBuffer in = ByteBuffer.wrap(bytes(1, 42, 0));
    assertEquals(ByteBuffer.wrap(bytes(42)), decoder.decodeAtEnd(in));
    assertEquals(0, decoder.decodeAtEnd(in).remaining());
    assertNull(decoder.decodeAtEnd(in));
  }

  @Test
  void encoderRefusesAPayloadTheAdjustmentWouldMakeNegative() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().width(1).lengthAdjustment(-3).build();
    MalformedFrameException e =
        assertThrows(MalformedFrameException.class, () -> encode(codec, bytes(7)));
    assertEquals("a payload of 1 bytes cannot be sent with length adjustment -3: the length field"
        + " would be negative", e.getMessage());
    assertArrayEquals(bytes(0, 7, 8, 9), encode(codec, bytes(7, 8, 9)));
  }

  @Test
  void encoderEnforcesTheMaximumAndLeavesThePositionAlone() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().maxFrameSize(4).build();
    assertThrows(FrameTooLongException.class, () -> codec.encodeToBuffer(ByteBuffer.allocate(5)));
    ByteBuffer frame = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    codec.encodeToBuffer(frame);
    assertEquals(0, frame.position());
  }

  @Test
  void builderRejectsContradictions() {
    assertThrows(IllegalArgumentException.class, () -> FrameCodecs.lengthPrefix().width(5));
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodecs.lengthPrefix().width(1).maxFrameSize(256).build());
    assertThrows(IllegalArgumentException.class,
        () -> FrameCodecs.lengthPrefix().varint().lengthIncludesHeader().build());
    assertEquals(255, FrameCodecs.lengthPrefix().width(1).build().maxFrameSize());
    assertEquals(LengthPrefixCodec.DEFAULT_MAX_FRAME_SIZE, FrameCodecs.lengthPrefix().build().maxFrameSize());
  }

  @Test
  void builderLimitsAreInclusiveAndTheirMessagesNameTheValueAndTheLimit() {
    assertEquals("width must be 1, 2, 3, 4 or 8 bytes, got 5; use varint() for a variable width",
        refused(() -> FrameCodecs.lengthPrefix().width(5)));
    assertEquals(0, FrameCodecs.lengthPrefix().width(1).lengthAdjustment(255).build().maxFrameSize());
    assertEquals("lengthAdjustment 256 does not fit in a 1-byte length field",
        refused(() -> FrameCodecs.lengthPrefix().width(1).lengthAdjustment(256).build()));
    assertEquals(255, FrameCodecs.lengthPrefix().width(1).maxFrameSize(255).build().maxFrameSize());
    assertEquals("maxFrameSize 256 cannot be expressed in a 1-byte length field with adjustment 0;"
            + " the largest is 255",
        refused(() -> FrameCodecs.lengthPrefix().width(1).maxFrameSize(256).build()));
    String varint =
        refused(() -> FrameCodecs.lengthPrefix().varint().maxFrameSize(Integer.MAX_VALUE).build());
    assertTrue(varint.startsWith("maxFrameSize 2147483647 cannot be expressed in a varint")
        && varint.endsWith("the largest is 2147482623"), varint);
    assertEquals(0, FrameCodecs.lengthPrefix().maxFrameSize(0).build().maxFrameSize());
    assertEquals("maxFrameSize must not be negative, got -1",
        refused(() -> FrameCodecs.lengthPrefix().maxFrameSize(-1)));
    FrameCodecs.lengthPrefix().fixedHeader(new byte[LengthPrefixCodec.MAX_FIXED_HEADER]).build();
    assertEquals("a fixed header has at most 64 bytes, got 65",
        refused(() -> FrameCodecs.lengthPrefix().fixedHeader(new byte[65])));
  }

  static String refused(Executable build) {
    return assertThrows(IllegalArgumentException.class, build).getMessage();
  }

  @Test
  void toStringNamesTheSettings() {
    assertEquals("LengthPrefixCodec{4 bytes BIG_ENDIAN, adjustment 0, max 1048576, CLOSE}",
        FrameCodecs.lengthPrefix().build().toString());
    assertEquals("LengthPrefixCodec{varint, adjustment 1, fixed header 2 bytes, max 100, DISCARD}",
        FrameCodecs.lengthPrefix().varint().lengthAdjustment(1).fixedHeader((byte) 1, (byte) 2)
            .maxFrameSize(100).onTooLong(TooLongPolicy.DISCARD).build().toString());
  }

  @Test
  void aConsumedHeaderLetsTheCallerTakeTheBodyOver() throws Exception {
    LengthPrefixCodec codec = FrameCodecs.lengthPrefix().build();
    FrameDecoder<ByteBuffer> decoder = codec.newDecoder();
    assertTrue(decoder.acceptsDirectBuffer(), "it reads headers only");
    assertEquals(-1, decoder.pendingBodyLength(), "between frames");
    ByteBuffer in = ByteBuffer.wrap(bytes(0, 0, 0, 5, 1, 2));
    assertNull(decoder.decode(in));
    assertEquals(4, in.position(), "the header is consumed");
    assertEquals(5, decoder.pendingBodyLength());
    IllegalStateException wrongSize =
        assertThrows(IllegalStateException.class, () -> decoder.frameFromBody(ByteBuffer.allocate(4)));
    assertEquals("frameFromBody got 4 bytes for a body of 5", wrongSize.getMessage());
    ByteBuffer body = ByteBuffer.wrap(bytes(1, 2, 3, 4, 5));
    assertSame(body, decoder.frameFromBody(body), "the body is the frame");
    assertEquals(-1, decoder.pendingBodyLength(), "a header comes next");
    // The offsets of later errors count the body taken over.
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class,
            () -> FrameCodecs.lengthPrefix().fixedHeader((byte) 7).build().newDecoder()
                .decode(ByteBuffer.wrap(bytes(8))));
    assertEquals(0, e.offset());
    FrameDecoder<ByteBuffer> fixed = FrameCodecs.lengthPrefix().fixedHeader((byte) 7).build().newDecoder();
    assertNull(fixed.decode(ByteBuffer.wrap(bytes(7, 0, 0, 0, 3))));
    fixed.frameFromBody(ByteBuffer.wrap(bytes(1, 2, 3)));
    MalformedFrameException later =
        assertThrows(MalformedFrameException.class, () -> fixed.decode(ByteBuffer.wrap(bytes(8))));
    assertEquals(8, later.offset(), "5 header bytes and 3 body bytes came before");
  }

  @Test
  void noBodyIsPendingAfterAnErrorOrWhileDiscarding() throws Exception {
    FrameDecoder<ByteBuffer> failed = FrameCodecs.lengthPrefix().maxFrameSize(4).build().newDecoder();
    assertThrows(FrameTooLongException.class, () -> failed.decode(ByteBuffer.wrap(bytes(0, 0, 0, 9))));
    assertEquals(-1, failed.pendingBodyLength());
    FrameDecoder<ByteBuffer> discarding =
        FrameCodecs.lengthPrefix().maxFrameSize(4).onTooLong(TooLongPolicy.DISCARD).build().newDecoder();
    assertThrows(
        FrameTooLongException.class, () -> discarding.decode(ByteBuffer.wrap(bytes(0, 0, 0, 9, 1))));
    assertEquals(-1, discarding.pendingBodyLength());
  }
}
